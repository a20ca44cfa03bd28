import { isSettled } from '@dirsync/domain';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { ImportLog } from '@dirsync/import-log';
import { ProjectionRunner } from '@dirsync/projections';
import { withPipeline, type Output } from '../cli-context';

/**
 * `etl resume`: finishes every import a crash or a stop interrupted. The stages pick them up from
 * their checkpoints; this waits until each is settled (completed, failed, or awaiting approval).
 */
export async function resumeCommand(flags: { json?: boolean }, output: Output): Promise<number> {
  return withPipeline(true, async (app) => {
    const store = app.get<EventStore>(EVENT_STORE);
    const log = new ImportLog(store);
    const pending: string[] = [];
    for await (const event of store.readAll({ filter: { eventTypes: ['ImportRequested'] } })) {
      const importId = (event.data as { importId: string }).importId;
      const current = await log.read(importId);
      if (current && !isSettled(current.state)) pending.push(importId);
    }
    const settled = [];
    for (const importId of pending) settled.push({ importId, status: (await log.waitUntilSettled(importId)).status });
    await app.get(ProjectionRunner).catchUp();
    if (flags.json) output.out(`${JSON.stringify({ resumed: settled })}\n`);
    else output.out(settled.length === 0 ? 'No interrupted import.\n' : settled.map((s) => `Import ${s.importId}: ${s.status}\n`).join(''));
    return 0;
  });
}
