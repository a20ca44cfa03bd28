// Test-only entry point: the shared contract suite every EventStore adapter must pass.
export * from './lib/event-store.contract';
