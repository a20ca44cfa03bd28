export * from './lib/user';
export * from './lib/events';
export * from './lib/import-options';
export * from './lib/import-events';
export * from './lib/user-decider';
export * from './lib/username';
export * from './lib/catalog';
export * from './lib/import-guards';
