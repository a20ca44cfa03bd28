export * from './lib/user';
export * from './lib/events';
