export * from './lib/blob-store';
export * from './lib/blob-store.module';
export * from './lib/ndjson';
