export { parseUserCsv, DEFAULT_MAX_RECORD_BYTES } from './lib/parse-user-csv';
export { FileRejectedError, type FileProblem } from './lib/errors';
export type { ParseOptions, RowSink, ParseSummary, CsvEncoding, CsvDelimiter } from './lib/types';
export { HEADER_ALIASES } from './lib/mapping/aliases';
export * from './lib/transform-import/transformation.module';
export * from './lib/transform-import/transform-import.service';
