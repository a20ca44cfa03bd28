import { existsSync, readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { emptyCounts, type ImportOptions, type MatchBy } from '@dirsync/domain';
import { ImportRunner } from '@dirsync/pipeline';
import { ImportReportReadModel, type ImportSummary } from '@dirsync/projections';
import { HEADER_MAPPING_SHAPE, isHeaderMapping } from '@dirsync/transformation';
import { withPipeline, type Output } from '../cli-context';
import { printable } from '../output/printable';
import { formatTable } from '../output/table';
import { UsageError } from '../usage-error';

export interface ImportFlags {
  json?: boolean;
  matchBy?: MatchBy;
  updateExisting?: boolean;
  activateDeleted?: boolean;
  disableMissing?: boolean;
  createDraft?: boolean;
  domain?: string;
  defaultLanguage?: string;
  format?: ImportOptions['format'];
  encoding?: ImportOptions['encoding'];
  delimiter?: ImportOptions['delimiter'];
  mapping?: string;
  dryRun?: boolean;
}

/** `etl import <file>`: runs the file through the whole pipeline and reports what it did. Exit 1 when the file was rejected. */
export async function importCommand(file: string, flags: ImportFlags, output: Output): Promise<number> {
  const filePath = resolve(file);
  if (!existsSync(filePath) || !statSync(filePath).isFile()) throw new UsageError(`no such file: ${file}`);
  const { json: _json, mapping, ...choices } = flags;
  const options: Partial<ImportOptions> = { ...choices, mapping: mapping ? readMapping(mapping) : undefined };
  return withPipeline(true, async (app) => {
    const summary = await app.get(ImportRunner).run({
      filePath,
      fileName: file,
      options,
      source: { kind: 'cli' },
      requestedBy: `cli:${userInfo().username}`,
    });
    return printSummary(summary, app.get(ImportReportReadModel), flags, output);
  });
}

/** Prints an import's outcome; exit 0 only when it completed (awaiting approval, failed or rejected: 1). */
export function printSummary(summary: ImportSummary, reports: ImportReportReadModel, flags: { json?: boolean }, output: Output): number {
  if (flags.json) output.out(`${JSON.stringify(jsonSummary(summary))}\n`);
  else output.out(humanSummary(summary, reports));
  return summary.status === 'completed' ? 0 : 1;
}

/** A mapping file is a JSON object: each key a header as written in the file, each value a field or one of its aliases. */
function readMapping(file: string): Record<string, string> {
  let mapping: unknown;
  try {
    mapping = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read the mapping file ${file}: ${(error as Error).message}`);
  }
  if (!isHeaderMapping(mapping)) throw new UsageError(`the mapping file ${file} must be ${HEADER_MAPPING_SHAPE}`);
  return mapping;
}

function jsonSummary(summary: ImportSummary) {
  return {
    importId: summary.id,
    status: summary.status,
    counts: summary.counts ?? emptyCounts(),
    // What the plain output prints of the file; a revert has none.
    ...(summary.totalRows === null ? {} : { rows: summary.totalRows }),
    ...(summary.encoding ? { encoding: summary.encoding } : {}),
    warnings: summary.warnings,
    ...(summary.failure ? { failure: summary.failure } : {}),
    ...(summary.status === 'awaiting-approval' ? { reasons: summary.decision?.reasons ?? [] } : {}),
  };
}

function humanSummary(summary: ImportSummary, reports: ImportReportReadModel): string {
  const lines = [`Import ${summary.id} of ${printable(summary.fileName)}: ${summary.status}${summary.dryRun ? ' (dry run: nothing applied)' : ''}`];
  if (summary.failure) {
    lines.push(`  ${printable(summary.failure.reason)}`);
    for (const problem of summary.failure.problems) lines.push(`  - ${describeProblem(problem)}`);
    lines.push('Nothing was applied.');
    return `${lines.join('\n')}\n`;
  }
  if (summary.status === 'awaiting-approval') {
    for (const reason of summary.decision?.reasons ?? []) lines.push(`  ${printable(reason)}`);
    lines.push('Nothing was applied. Review the plan, then:', `  npm run -s etl -- approve ${summary.id}`, `  npm run -s etl -- reject ${summary.id}`);
    return `${lines.join('\n')}\n`;
  }
  const c = summary.counts ?? emptyCounts();
  // A revert has no file: no row total and no encoding to show.
  const file = summary.totalRows === null ? '' : `${summary.totalRows} ${summary.totalRows === 1 ? 'row' : 'rows'}${summary.encoding ? ` (${summary.encoding})` : ''}: `;
  lines.push(`  ${file}created ${c.created}, updated ${c.updated}, skipped ${c.skipped}, disabled ${c.disabled}, reactivated ${c.reactivated}, rejected ${c.rejected}`);
  for (const warning of summary.warnings) lines.push(`  warning: ${printable(warning)}`);
  const attention: string[][] = [];
  for (const row of reports.allResults(summary.id)) {
    if (row.outcome === 'rejected' || row.warnings.length > 0) {
      attention.push([String(row.row ?? ''), row.key ?? '', row.outcome, [...row.reasons, ...row.warnings].join('; ')]);
      if (attention.length === 20) break;
    }
  }
  if (attention.length > 0) lines.push('', formatTable(['row', 'key', 'outcome', 'reasons'], attention).trimEnd());
  lines.push('', `Per-row results: npm run -s etl -- report ${summary.id} --csv`);
  return `${lines.join('\n')}\n`;
}

/** "row 3, email: …" — where the problem is, then what it is, printable. */
function describeProblem(problem: { row?: number; field?: string; message: string }): string {
  const where = [problem.row !== undefined ? `row ${problem.row}` : undefined, problem.field].filter(Boolean).join(', ');
  return printable(where ? `${where}: ${problem.message}` : problem.message);
}
