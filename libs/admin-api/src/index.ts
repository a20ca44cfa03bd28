export * from './lib/admin-api.module';
export * from './lib/admin-app.module';
export * from './lib/errors/problem-details.filter';
