// The embedded store alone, without NestJS or the module: for the projection thread, which opens the
// log itself and would otherwise load the whole framework into its isolate (about 30 MB).
export * from './lib/sqlite/sqlite-event-store';
export * from './lib/sqlite/sqlite-file';
