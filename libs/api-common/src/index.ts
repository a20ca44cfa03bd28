export * from './lib/long-running.decorator';
export * from './lib/page-query.dto';
export * from './lib/wait-query.dto';
