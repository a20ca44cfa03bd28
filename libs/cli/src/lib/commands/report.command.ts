import { ImportReportReadModel, ProjectionRunner } from '@dirsync/projections';
import { withPipeline, type Output } from '../cli-context';
import { writeReportCsv } from '@dirsync/projections';
import { printable } from '../output/printable';
import { formatTable } from '../output/table';
import { UsageError } from '../usage-error';

/** `etl report <importId> [--csv|--json]`: an import's summary and per-row results. */
export async function reportCommand(importId: string, flags: { csv?: boolean; json?: boolean }, output: Output): Promise<number> {
  return withPipeline(false, async (app) => {
    await app.get(ProjectionRunner).catchUp();
    const reports = app.get(ImportReportReadModel);
    const summary = reports.get(importId);
    if (!summary) throw new UsageError(`no import with id ${importId}`);
    if (flags.csv) {
      await writeReportCsv(reports.allResults(importId), output.out);
    } else if (flags.json) {
      output.out(`${JSON.stringify({ ...summary, rows: [...reports.allRows(importId)] })}\n`);
    } else {
      const rows = [...reports.allResults(importId)].map((r) => [String(r.row ?? ''), r.key ?? '', r.outcome, [...r.reasons, ...r.warnings].join('; ')]);
      output.out(`Import ${summary.id} of ${printable(summary.fileName)}: ${summary.status}\n${formatTable(['row', 'key', 'outcome', 'reasons'], rows)}`);
    }
    return 0;
  });
}
