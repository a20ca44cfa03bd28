export * from './lib/token.service';
export * from './lib/auth.module';
