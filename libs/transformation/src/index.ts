export { parseUserCsv, DEFAULT_MAX_RECORD_BYTES } from './lib/parse-user-csv';
export { parseUserXml, DEFAULT_MAX_XML_BYTES, type XmlParseOptions } from './lib/xml/parse-user-xml';
export { parseUserFile, type ParseFileOptions, type UserFileFormat } from './lib/parse-user-file';
export { FileRejectedError, type FileProblem } from './lib/errors';
export type { ParseOptions, RowSink, ParseSummary, CsvEncoding, CsvDelimiter } from './lib/types';
export { HEADER_ALIASES } from './lib/mapping/aliases';
export { isHeaderMapping, IsHeaderMapping, HEADER_MAPPING_SHAPE } from './lib/mapping/header-mapping';
export * from './lib/transform-import/transformation.module';
export * from './lib/transform-import/transform-import.service';
