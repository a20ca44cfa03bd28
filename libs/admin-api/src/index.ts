export * from './lib/admin-api.module';
export * from './lib/admin-app.module';
export * from './lib/errors/problem-details.filter';
export * from './lib/observability/json-logger';
export * from './lib/observability/redact';
export * from './lib/openapi/openapi';
export { Public } from './lib/auth/public.decorator';
export { Roles } from './lib/auth/roles.decorator';
