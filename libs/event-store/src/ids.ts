// The deterministic ids alone, without NestJS or the stores: for worker threads (the planner's
// plan-lines thread), which make the same ids as the process.
export * from './lib/deterministic-id';
