import { stringify } from 'csv-stringify';
import type { ImportRowReport } from './import-report.read-model';

export const REPORT_COLUMNS = ['row', 'identifier', 'email', 'outcome', 'reasons', 'warnings', 'user_id'] as const;

/**
 * The per-row results as CSV. Cells a spreadsheet would run as a formula are escaped, because the
 * values come from an uploaded file. `identifier` is the row's match key.
 */
export async function writeReportCsv(rows: Iterable<ImportRowReport>, write: (chunk: string) => void): Promise<void> {
  const stringifier = stringify({ header: true, columns: [...REPORT_COLUMNS], escape_formulas: true });
  const done = new Promise<void>((resolve, reject) => {
    stringifier.on('data', (chunk: Buffer | string) => write(chunk.toString()));
    stringifier.on('end', resolve);
    stringifier.on('error', reject);
  });
  for (const row of rows) {
    const ok = stringifier.write({
      row: row.row ?? '',
      identifier: row.key ?? '',
      email: row.email ?? '',
      outcome: row.outcome,
      reasons: row.reasons.join('; '),
      warnings: row.warnings.join('; '),
      user_id: row.userId ?? '',
    });
    if (!ok) await new Promise((resolve) => stringifier.once('drain', resolve));
  }
  stringifier.end();
  await done;
}
