export * from './lib/event-store.port';
export * from './lib/errors';
export * from './lib/deterministic-id';
export * from './lib/aggregate-stream';
export * from './lib/in-memory/in-memory-event-store';
export * from './lib/sqlite/sqlite-event-store';
export * from './lib/sqlite/sqlite-file';
export * from './lib/sqlite/wal-checkpointer';
export * from './lib/event-store.module';
// The KurrentDB adapter is not exported: openEventStore loads it (and its client) only when configured.
export * from './lib/event-store-lease';
