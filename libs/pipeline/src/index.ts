export * from './lib/settings';
export * from './lib/pipeline.options';
export * from './lib/pipeline.module';
export * from './lib/import-runner.service';
