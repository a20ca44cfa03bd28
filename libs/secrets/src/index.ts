export * from './lib/secret-box';
export * from './lib/secret-keys';
export * from './lib/secrets.module';
