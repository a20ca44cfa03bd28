import { pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { ImportRowReport, ImportRowResult } from './import-report.read-model';

export const REPORT_COLUMNS = ['row', 'identifier', 'email', 'outcome', 'reasons', 'warnings', 'user_id'] as const;

/**
 * The per-row results as CSV. Cells a spreadsheet would run as a formula are escaped, because the
 * values come from an uploaded file. `identifier` is the row's match key.
 */
export async function writeReportCsv(rows: Iterable<ImportRowResult>, write: (chunk: string) => void): Promise<void> {
  for await (const chunk of reportCsv(rows)) write(String(chunk));
}

/** The per-row results as a CSV stream: rows are read only as fast as the stream's reader takes them. */
export function reportCsv(rows: Iterable<ImportRowResult>): Readable {
  return csvStream(REPORT_COLUMNS, reportLines(rows));
}

function* reportLines(rows: Iterable<ImportRowResult>): IterableIterator<Record<string, unknown>> {
  for (const row of rows) {
    yield {
      row: row.row ?? '',
      identifier: row.key ?? '',
      email: row.email ?? '',
      outcome: row.outcome,
      reasons: row.reasons.join('; '),
      warnings: row.warnings.join('; '),
      user_id: row.userId ?? '',
    };
  }
}

export const CHANGES_COLUMNS = ['row', 'identifier', 'user_id', 'outcome', 'field', 'from', 'to'] as const;

/**
 * An import's changes as a CSV stream, one line per changed field, values as text (lists joined
 * with "; ", maps as JSON); rows are read only as fast as the stream's reader takes them.
 */
export function changesCsv(rows: Iterable<ImportRowReport>): Readable {
  return csvStream(CHANGES_COLUMNS, changeLines(rows));
}

function* changeLines(rows: Iterable<ImportRowReport>): IterableIterator<Record<string, unknown>> {
  for (const row of rows) {
    for (const [field, change] of Object.entries(row.changes ?? {})) {
      yield { row: row.row ?? '', identifier: row.key ?? '', user_id: row.userId ?? '', outcome: row.outcome, field, from: asText(change?.from), to: asText(change?.to) };
    }
  }
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join('; ');
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * CSV lines with a header, pulled from `lines` as the reader asks. Destroying the stream (its reader
 * went away) closes `lines`. Cells a spreadsheet would run as a formula are escaped: the values
 * come from uploaded files.
 */
function csvStream(columns: readonly string[], lines: Iterable<Record<string, unknown>>): Readable {
  const stringifier = stringify({ header: true, columns: [...columns], escape_formulas: true });
  // Errors reach the reader through the stringifier, which the pipeline destroys with them.
  pipeline(Readable.from(lines), stringifier, () => undefined);
  return stringifier;
}
