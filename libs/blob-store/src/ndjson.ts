// Reading NDJSON blobs alone, without NestJS or the module: for worker threads (the claims pass's
// records thread), which would otherwise load the whole framework into their isolates.
export * from './lib/ndjson';
