export * from './lib/event-store.port';
export * from './lib/errors';
export * from './lib/deterministic-id';
export * from './lib/in-memory/in-memory-event-store';
export * from './lib/sqlite/sqlite-event-store';
export * from './lib/event-store.module';
