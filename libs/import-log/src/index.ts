export * from './lib/import-log';
export * from './lib/stage-worker';
export * from './lib/stage-turns';
