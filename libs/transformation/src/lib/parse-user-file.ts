import { FileRejectedError } from './errors';
import { parseUserCsv } from './parse-user-csv';
import type { ParseSummary, RowSink } from './types';
import { parseUserXml, type XmlParseOptions } from './xml/parse-user-xml';

export type UserFileFormat = 'csv' | 'xml';

export type ParseFileOptions = XmlParseOptions & { format: UserFileFormat };

/** One entry point for the stage: reads a user file in the given format into the same records and rejections. */
export function parseUserFile(filePath: string, options: ParseFileOptions, sink: RowSink): Promise<ParseSummary> {
  const { format, ...rest } = options;
  switch (format) {
    case 'csv':
      return parseUserCsv(filePath, rest, sink);
    case 'xml':
      return parseUserXml(filePath, rest, sink);
    default:
      // Options can come from an upload form: refuse anything else as a file problem, not a crash.
      return Promise.reject(new FileRejectedError(options.fileName, [{ message: `the format ${JSON.stringify(format)} is not supported; use csv or xml` }]));
  }
}
