import { userInfo } from 'node:os';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { ImportLog } from '@dirsync/import-log';
import { ImportDecisionError, ImportDecisionService } from '@dirsync/loading';
import { ImportReportReadModel, ProjectionRunner } from '@dirsync/projections';
import { withPipeline, type Output } from '../cli-context';
import { UsageError } from '../usage-error';
import { printSummary } from './import.command';

/** `etl approve <importId>`: applies a plan a guard stopped (re-planned if the directory changed), then reports like `import`. */
export async function approveCommand(importId: string, flags: { json?: boolean }, output: Output): Promise<number> {
  return withPipeline(true, async (app) => {
    await decide(() => app.get(ImportDecisionService).approve(importId, `cli:${userInfo().username}`));
    await new ImportLog(app.get<EventStore>(EVENT_STORE)).waitUntilSettled(importId);
    await app.get(ProjectionRunner).catchUp();
    const summary = app.get(ImportReportReadModel).get(importId);
    if (!summary) throw new UsageError(`no import with id ${importId}`);
    return printSummary(summary, app.get(ImportReportReadModel), flags, output);
  });
}

/** `etl reject <importId> [--reason text]`: discards a plan a guard stopped; nothing is applied. */
export async function rejectCommand(importId: string, flags: { reason?: string }, output: Output): Promise<number> {
  return withPipeline(false, async (app) => {
    await decide(() => app.get(ImportDecisionService).reject(importId, `cli:${userInfo().username}`, flags.reason));
    output.out(`Import ${importId} rejected; nothing was applied.\n`);
    return 0;
  });
}

async function decide(action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof ImportDecisionError) throw new UsageError(error.message);
    throw error;
  }
}
