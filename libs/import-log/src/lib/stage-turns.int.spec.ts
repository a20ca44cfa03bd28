import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_IMPORT_OPTIONS } from '@dirsync/domain';
import { lockExclusively, SqliteEventStore } from '@dirsync/event-store/sqlite';
import { ImportLog } from './import-log';
import { FileLockTurns, SOLE_PROCESS, type StageTurns } from './stage-turns';
import { StageWorker } from './stage-worker';

/** Two processes of one stage over one embedded log: two stores on one file, each with its worker. */
describe('StageWorker with FileLockTurns on the embedded store', () => {
  let dir: string;
  let stores: SqliteEventStore[];
  const lockFileOf = (stage: string) => join(dir, `events.sqlite.${stage}-lock`);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stage-turns-'));
    stores = [new SqliteEventStore(join(dir, 'events.sqlite')), new SqliteEventStore(join(dir, 'events.sqlite'))];
  });
  afterEach(async () => {
    await Promise.all(stores.map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  const request = (importId: string) =>
    new ImportLog(stores[0]).append(importId, -1, [
      {
        name: 'requested',
        type: 'ImportRequested',
        data: {
          importId, fileName: 'u.csv', file: { sha256: 'a'.repeat(64), size: 1 }, format: 'csv', options: DEFAULT_IMPORT_OPTIONS,
          source: { kind: 'cli' }, requestedBy: 'test', requestedAt: '2026-01-01T00:00:00.000Z',
        },
      },
    ]);

  /** Runs both workers over the imports; returns the most handlers ever running at once. */
  async function mostAtOnce(turns: () => StageTurns): Promise<{ most: number; handled: string[] }> {
    let running = 0;
    let most = 0;
    const handled: string[] = [];
    const work = async (importId: string) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, 30));
      handled.push(importId);
      running--;
    };
    const workers = stores.map((store) => new StageWorker(store, 'loading', ['ImportRequested'], work, turns()));
    await Promise.all(workers.map((worker) => worker.start()));
    await Promise.all(workers.map((worker) => worker.whenCaughtUp()));
    await Promise.all(workers.map((worker) => worker.stop()));
    return { most, handled };
  }

  it('lets one process at a time handle an import, each finding it in turn', async () => {
    for (const id of ['i1', 'i2', 'i3']) await request(id);

    const { most, handled } = await mostAtOnce(() => new FileLockTurns(lockFileOf));

    expect(most).toBe(1);
    expect(handled.sort()).toEqual(['i1', 'i1', 'i2', 'i2', 'i3', 'i3']);
  });

  it('is what keeps them apart: without turns both handle the same import at once', async () => {
    for (const id of ['i1', 'i2', 'i3']) await request(id);

    const { most } = await mostAtOnce(() => SOLE_PROCESS);

    expect(most).toBe(2);
  });

  it('stops waiting for its turn when stopped, leaving the import unhandled for the next start', async () => {
    await request('i1');
    const heldByAnotherProcess = lockExclusively(lockFileOf('loading'));
    const handled: string[] = [];
    const worker = new StageWorker(stores[1], 'loading', ['ImportRequested'], async (id) => void handled.push(id), new FileLockTurns(lockFileOf));
    await worker.start();
    await new Promise((resolve) => setTimeout(resolve, 300));

    await worker.stop();
    expect(handled).toEqual([]);
    expect(await stores[1].readCheckpoint('stage-loading')).toBeUndefined();

    heldByAnotherProcess?.();
    const next = new StageWorker(stores[1], 'loading', ['ImportRequested'], async (id) => void handled.push(id), new FileLockTurns(lockFileOf));
    await next.start();
    await next.whenCaughtUp();
    await next.stop();
    expect(handled).toEqual(['i1']);
  });
});
