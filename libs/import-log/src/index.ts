export * from './lib/import-log';
export * from './lib/stage-worker';
