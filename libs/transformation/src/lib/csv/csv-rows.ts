import { pipeline, type Readable } from 'node:stream';
import { CsvError, parse, type Info } from 'csv-parse';
import { FileRejectedError } from '../errors';
import type { CsvDelimiter } from '../types';
import type { LineBreak } from './header-line';

/** One CSV record with its spreadsheet row number (the first line of the file is row 1). */
export interface CsvRow {
  row: number;
  cells: string[];
}

export interface CsvReadOptions {
  fileName: string;
  delimiter: CsvDelimiter;
  maxRecordBytes: number;
  /** Blank lines before the header: skipped, so the parser takes its field count from the header. */
  blankLinesBefore?: number;
  /** What ends a record (see HeaderLine); default LF. */
  lineBreak?: LineBreak;
}

/**
 * Streams the records of a decoded CSV text, the header first. A record whose number of values
 * differs from the header's is still yielded (the caller rejects that row and goes on); any other
 * CSV error makes the whole file untrustworthy and is thrown as a FileRejectedError.
 *
 * Row numbers count records the way a spreadsheet shows them: a value with an embedded line break
 * stays in one row, and a blank line is a row too (yielded as one empty value, for the caller to
 * ignore). Counting here is much cheaper than csv-parse's per-record `info`.
 */
export async function* readCsvRows(input: Readable, options: CsvReadOptions): AsyncGenerator<CsvRow> {
  const linesSkipped = options.blankLinesBefore ?? 0;
  // Records csv-parse dropped for a wrong value count and that were pushed back into its output.
  let reinserted = 0;

  const parser = parse({
    columns: false, // the header is validated by the caller, not turned into object keys
    delimiter: options.delimiter,
    from_line: linesSkipped + 1,
    // Not detected from the first line: a CRLF header above LF rows would make them all one record.
    // One record delimiter costs the parse nothing, where a list of them slows every character.
    record_delimiter: options.lineBreak ?? '\n',
    trim: true, // also drops the CR of a CRLF line
    skip_empty_lines: false, // see above: blank lines keep their row number
    relax_column_count: false,
    relax_quotes: false,
    max_record_size: options.maxRecordBytes,
    // With relax_column_count off, a short or long record is an error; this makes csv-parse drop
    // just that record and go on, which is safe because the record ended on a real line break.
    skip_records_with_error: true,
    on_skip: (error: CsvError | undefined): undefined => {
      // Any other error (quotes, size) leaves the parser's position in doubt: stop the file.
      if (error?.code !== 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH') throw error;
      // Pushed into the parser's own output so it reaches the reader in file order.
      reinserted++;
      parser.push((error as unknown as { record: string[] }).record);
      return undefined;
    },
  });
  pipeline(input, parser, () => undefined); // errors surface through the iteration below

  let row = linesSkipped;
  try {
    for await (const cells of parser) yield { row: ++row, cells: cells as string[] };
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // The parser runs ahead of this reader; its own counts say where it stopped: in the record
    // after all those it completed.
    const completed = (error as unknown as Info).records + reinserted;
    throw new FileRejectedError(options.fileName, [
      { row: linesSkipped + completed + 1, message: describeCsvError(error, options.maxRecordBytes) },
    ]);
  } finally {
    parser.destroy();
  }
}

function describeCsvError(error: CsvError, maxRecordBytes: number): string {
  const line = (error as unknown as Info).lines;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `a quoted value that starts on this row is never closed (the file ends inside it at line ${line})`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `a closing quote is followed by other characters at line ${line}; a quote inside a quoted value must be doubled ("")`;
    case 'INVALID_OPENING_QUOTE': // csv-parse 7 names this one without the CSV_ prefix
      return `a quote appears inside an unquoted value at line ${line}; put the whole value in quotes and double the quote ("")`;
    case 'CSV_MAX_RECORD_SIZE':
      return `the row is larger than ${maxRecordBytes} bytes at line ${line} (often a quote that is never closed)`;
    default:
      return `the file is not valid CSV at line ${line}: ${error.message}`;
  }
}
