export * from './lib/cli';
export * from './lib/cli-context';
export * from './lib/usage-error';
