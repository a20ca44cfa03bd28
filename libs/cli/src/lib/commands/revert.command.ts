import { userInfo } from 'node:os';
import { RevertError, RevertImportService } from '@dirsync/loading';
import { ImportReportReadModel, ProjectionRunner } from '@dirsync/projections';
import { withPipeline, type Output } from '../cli-context';
import { UsageError } from '../usage-error';
import { printSummary } from './import.command';

/** `etl revert <importId>`: undoes an applied import with compensating events, and reports it like an import. */
export async function revertCommand(importId: string, flags: { json?: boolean }, output: Output): Promise<number> {
  return withPipeline(false, async (app) => {
    let revertId: string;
    try {
      revertId = await app.get(RevertImportService).revert(importId, `cli:${userInfo().username}`);
    } catch (error) {
      if (error instanceof RevertError) throw new UsageError(error.message);
      throw error;
    }
    await app.get(ProjectionRunner).catchUp();
    const reports = app.get(ImportReportReadModel);
    const summary = reports.get(revertId);
    if (!summary) throw new Error(`revert ${revertId} finished but its report is missing`);
    return printSummary(summary, reports, flags, output);
  });
}
