import { stringify } from 'csv-stringify';
import type { ImportRowReport, ImportRowResult } from './import-report.read-model';

export const REPORT_COLUMNS = ['row', 'identifier', 'email', 'outcome', 'reasons', 'warnings', 'user_id'] as const;

/**
 * The per-row results as CSV. Cells a spreadsheet would run as a formula are escaped, because the
 * values come from an uploaded file. `identifier` is the row's match key.
 */
export async function writeReportCsv(rows: Iterable<ImportRowResult>, write: (chunk: string) => void): Promise<void> {
  await writeCsv(REPORT_COLUMNS, reportLines(rows), write);
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

/** An import's changes as CSV: one line per changed field, values as text (lists joined with "; ", maps as JSON). */
export async function writeChangesCsv(rows: Iterable<ImportRowReport>, write: (chunk: string) => void): Promise<void> {
  await writeCsv(CHANGES_COLUMNS, changeLines(rows), write);
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

/** Streams CSV lines with a header. Cells a spreadsheet would run as a formula are escaped: the values come from uploaded files. */
async function writeCsv(columns: readonly string[], lines: Iterable<Record<string, unknown>>, write: (chunk: string) => void): Promise<void> {
  const stringifier = stringify({ header: true, columns: [...columns], escape_formulas: true });
  const done = new Promise<void>((resolve, reject) => {
    stringifier.on('data', (chunk: Buffer | string) => write(chunk.toString()));
    stringifier.on('end', resolve);
    stringifier.on('error', reject);
  });
  for (const line of lines) {
    const ok = stringifier.write(line);
    if (!ok) await new Promise((resolve) => stringifier.once('drain', resolve));
  }
  stringifier.end();
  await done;
}
