export * from './lib/extraction.module';
export * from './lib/extraction.options';
export * from './lib/request-import/request-import.service';
