import { stat } from 'node:fs/promises';
import type { RejectedRow } from '@dirsync/domain';
import { readCsvRows, type CsvReadOptions, type CsvRow } from './csv/csv-rows';
import { CsvRowsThread } from './csv/csv-rows-thread';
import { sniffHeaderLine } from './csv/header-line';
import { detectEncoding, openDecoded, readTextSample, type SourceEncoding } from './decoding/encoding';
import { FileRejectedError } from './errors';
import { resolveHeader, type HeaderLayout } from './mapping/header';
import { readRowValues, toUserRecord } from './mapping/row-values';
import type { ParseOptions, ParseSummary, RowSink } from './types';
import { UserRowDto } from './validation/user-row.dto';
import { rejectedRow, validateRow } from './validation/validate-row';

export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024;

/**
 * Files from this size on are split into rows on a worker thread (CsvRowsThread). A thread starts
 * with its modules to load and its code to compile: on the benchmark's machine it cost 0.1 to 0.2 s
 * more for files up to 4 MB, and gained nothing at 21 MB (100,000 rows); at 42 MB it saved about a
 * fifth, at 211 MB a third.
 */
export const DEFAULT_CSV_THREAD_FROM_BYTES = 32 * 1024 * 1024;

/**
 * Reads a user CSV file row by row (never whole: files reach a million rows), maps each row to a
 * canonical UserRecord and hands it to the sink, or a RejectedRow with every problem found.
 *
 * Throws FileRejectedError when the file as a whole is unusable (not CSV, empty, bad header). Rows
 * already handed to the sink must then be discarded: the caller applies nothing of the file until
 * this function has returned.
 */
export async function parseUserCsv(filePath: string, options: ParseOptions, sink: RowSink): Promise<ParseSummary> {
  const { fileName } = options;
  const maxRecordBytes = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const source = await detectEncoding(filePath, options.encoding, fileName);
  const usable = (cells: string[]) => resolveHeader(cells, options).layout !== undefined;
  const headerLine = sniffHeaderLine(await readTextSample(filePath, source, maxRecordBytes), usable);
  const delimiter = options.delimiter ?? headerLine.delimiter;
  const csv = { fileName, delimiter, maxRecordBytes, blankLinesBefore: headerLine.blankLinesBefore, lineBreak: headerLine.lineBreak };

  let layout: HeaderLayout | undefined;
  let width = 0;
  let blankRows = 0;
  const counts = { total: 0, valid: 0, rejected: 0 };
  const values = new UserRowDto(); // reused for every row
  const reject = async (rejected: RejectedRow) => {
    counts.rejected++;
    await sink.reject(rejected);
  };

  for await (const { row, cells } of await csvRows(filePath, source, csv, options.csvThreadFromBytes ?? DEFAULT_CSV_THREAD_FROM_BYTES)) {
    const blank = cells.every((cell) => !cell.trim());
    if (!layout) {
      if (blank) continue; // blank lines above the header that the sample did not reach
      const header = resolveHeader(cells, options);
      if (!header.layout) throw new FileRejectedError(fileName, header.problems.map((message) => ({ row, message })));
      layout = header.layout;
      width = cells.length;
      continue;
    }
    // Blank lines, and rows of empty cells that spreadsheets often save: not users, so not rejections.
    if (blank) {
      blankRows++;
      continue;
    }
    counts.total++;
    if (cells.length !== width) {
      await reject({ row, reasons: [{ message: fieldCountMessage(cells.length, width, delimiter) }] });
      continue;
    }
    readRowValues(cells, layout, options.domain, values);
    const problems = validateRow(values);
    if (problems.length > 0) {
      await reject(rejectedRow(row, values, problems));
    } else {
      counts.valid++;
      await sink.record(toUserRecord(values, row));
    }
  }

  if (!layout) throw new FileRejectedError(fileName, [{ message: 'the file is empty: there is no header row' }]);
  const warnings = [...layout.warnings];
  if (blankRows > 0) warnings.push(`${blankRows} blank row${blankRows === 1 ? ' was' : 's were'} ignored`);
  return {
    encoding: source.encoding,
    delimiter,
    matchBy: layout.matchBy,
    columns: layout.columns,
    totalRows: counts.total,
    validRows: counts.valid,
    rejectedRows: counts.rejected,
    warnings,
  };
}

/** The file's rows, split on a thread of their own when the file is large enough to be worth it. */
async function csvRows(filePath: string, source: SourceEncoding, csv: CsvReadOptions, threadFromBytes: number): Promise<AsyncIterable<CsvRow>> {
  if ((await stat(filePath)).size >= threadFromBytes) return new CsvRowsThread(filePath, source, csv);
  return readCsvRows(openDecoded(filePath, source), csv);
}

function fieldCountMessage(actual: number, expected: number, delimiter: string): string {
  const shown = delimiter === '\t' ? 'a tab' : `'${delimiter}'`;
  return (
    `the row has ${actual} values but the header has ${expected} columns ` +
    `(a value containing ${shown} must be in double quotes)`
  );
}
