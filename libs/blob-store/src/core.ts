// The blob store and its NDJSON reading alone, without NestJS or the module: for worker threads
// (the claims pass's records thread, the planner's plan-lines thread), which would otherwise load
// the whole framework into their isolates.
export * from './lib/blob-store';
export * from './lib/ndjson';
