import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@dirsync/event-store';
import type { UserEvent } from '@dirsync/domain';
import { DirectoryProjection } from '../directory/directory.projection';
import { DirectoryReadModel } from '../directory/directory.read-model';
import { ImportReportReadModel } from '../import-report/import-report.read-model';
import { missingSecondaryIndexes, openReadModelDb, type ReadModelDb } from '../read-model-db';
import { readModelProjections } from '../read-model-projections';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import { ProjectionThread } from './projection-thread';
import { readModelChecksums, readModelChecksumsOnThread } from './replay';

const USERS = 30;
const IMPORT_ID = 'i1';

const created = (n: number): UserEvent => ({
  type: 'UserCreated',
  data: {
    userId: `u${n}`, profile: { identifier: `user${n}@corp`, email: `user${n}@corp.com` }, status: 'Active',
    securityRoles: [], genericProperties: {}, importId: IMPORT_ID, row: n + 2,
  },
});

/** An import's stream with its row results, then the users it created: what a real import writes. */
async function writeImport(store: SqliteEventStore): Promise<void> {
  await store.append(`import-${IMPORT_ID}`, [
    {
      id: 'req', type: 'ImportRequested',
      data: {
        importId: IMPORT_ID, fileName: 'users.csv', file: { sha256: 'f', size: 1 }, format: 'csv', options: {},
        source: { kind: 'upload' }, requestedBy: 'admin', requestedAt: '2026-11-22T00:00:00.000Z',
      },
    },
    {
      id: 'rows', type: 'ImportRowsPlanned',
      data: {
        importId: IMPORT_ID, planNumber: 1,
        rows: Array.from({ length: USERS }, (_, n) => ({ row: n + 2, key: `user${n}@corp`, userId: `u${n}`, outcome: 'created', reasons: [], warnings: [] })),
      },
    },
  ], 'no-stream');
  for (let n = 0; n < USERS; n++) {
    const event = created(n);
    await store.append(`user-u${n}`, [{ id: `c${n}`, type: event.type, data: event.data }], 'no-stream');
  }
}

/** Polls `condition` for up to five seconds. */
async function eventually(condition: () => boolean): Promise<boolean> {
  for (let waited = 0; waited < 5000; waited += 10) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return condition();
}

describe('ProjectionRunner with its passes on a ProjectionThread (real SQLite files)', () => {
  let dir: string;
  let store: SqliteEventStore;
  let db: ReadModelDb;
  let runner: ProjectionRunner;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'dirsync-thread-'));
    store = new SqliteEventStore(join(dir, 'events.sqlite'));
    db = openReadModelDb(join(dir, 'readmodels.sqlite'));
    const thread = new ProjectionThread({ logFile: join(dir, 'events.sqlite'), readModelFile: join(dir, 'readmodels.sqlite') });
    runner = new ProjectionRunner(store, db, readModelProjections(db), { thread });
  });
  afterEach(async () => {
    await runner.stop();
    await store.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('projects the log into the same read models as the same runner in the process', async () => {
    await writeImport(store);
    const applied = await runner.catchUp();

    expect(applied).toBe(USERS + 2);
    expect(runner.position()).toBe(await store.headPosition());
    expect(new DirectoryReadModel(db).findBy('email', 'USER7@corp.com')?.id).toBe('u7');
    expect(new ImportReportReadModel(db).rows(IMPORT_ID).total).toBe(USERS);

    const inProcessDb = openReadModelDb(join(dir, 'in-process.sqlite'));
    try {
      await new ProjectionRunner(store, inProcessDb, readModelProjections(inProcessDb)).catchUp();
      expect(readModelChecksums(db)).toEqual(readModelChecksums(inProcessDb));
    } finally {
      inProcessDb.close();
    }
  });

  it("reads a replay's checksums on a thread: the same as in the process, while the process's event loop goes on", async () => {
    await writeImport(store);
    await runner.catchUp();
    let turns = 0;
    const ticking = setInterval(() => turns++, 0);

    const onThread = await readModelChecksumsOnThread(db).finally(() => clearInterval(ticking));

    expect(onThread).toEqual(readModelChecksums(db));
    expect(onThread.directory.rows).toBe(USERS);
    expect(turns).toBeGreaterThan(0);
  });

  it('keepUp returns at once; waitFor then finds the events projected and every index there', async () => {
    await writeImport(store);
    const head = await store.headPosition();

    runner.keepUp();
    expect(runner.position()).toBeLessThan(head); // the pass runs on the thread, after this line
    await runner.waitFor(head);

    expect(runner.position()).toBe(head);
    expect(missingSecondaryIndexes(db)).toEqual([]);
    expect(new DirectoryReadModel(db).count()).toBe(USERS);
  });

  it('sends no pass to the thread when the read models are up to date (a command that only reads)', async () => {
    await writeImport(store);
    await runner.catchUp();
    const thread = new ProjectionThread({ logFile: join(dir, 'events.sqlite'), readModelFile: join(dir, 'readmodels.sqlite') });
    const passes = jest.spyOn(thread, 'catchUp');
    const reader = new ProjectionRunner(store, db, readModelProjections(db), { thread });

    expect(await reader.catchUp()).toBe(0);
    expect(passes).not.toHaveBeenCalled();
    await reader.stop();
  });

  it('followWhile projects what the work appends while it runs, and the pass ends after it', async () => {
    await writeImport(store);
    await runner.catchUp();
    let projectedDuringWork = false;

    const result = await runner.followWhile(async () => {
      for (let n = USERS; n < USERS + 10; n++) {
        const event = created(n);
        await store.append(`user-u${n}`, [{ id: `c${n}`, type: event.type, data: event.data }], 'no-stream');
      }
      const appended = await store.headPosition();
      projectedDuringWork = await eventually(() => runner.position() >= appended);
      return 'applied';
    });
    await runner.waitFor(await store.headPosition());

    expect(result).toBe('applied');
    expect(projectedDuringWork).toBe(true);
    expect(new DirectoryReadModel(db).count()).toBe(USERS + 10);
    expect(missingSecondaryIndexes(db)).toEqual([]);
  });

  it('followWhile ends its pass when the work fails, and the next pass projects what the work appended', async () => {
    await expect(
      runner.followWhile(async () => {
        await writeImport(store);
        throw new Error('the disk is full');
      }),
    ).rejects.toThrow('the disk is full');

    await runner.waitFor(await store.headPosition());
    expect(new DirectoryReadModel(db).count()).toBe(USERS);
  });

  it('rebuilds the directory on the thread, beside the rest in the process, emptying and indexing on threads: the same read models, every index', async () => {
    await writeImport(store);
    await runner.catchUp();
    const before = readModelChecksums(db);
    const directoryHalf = jest.spyOn(ProjectionThread.prototype, 'rebuildDirectory');
    const reportIndexes = jest.spyOn(ProjectionThread.prototype, 'createReportIndexesBeside');
    // Emptying the tables and dropping and creating their indexes (statements run with exec) hold a
    // connection for seconds at 1M rows: in the process they would hold the admin API too.
    const processStatements = jest.spyOn(db, 'exec');

    try {
      expect(await runner.rebuild()).toBe(USERS + 2);

      await expect(directoryHalf.mock.results[0].value).resolves.toBe(USERS); // every user projected by the thread
      expect(reportIndexes).toHaveBeenCalledTimes(1);
      expect(processStatements).not.toHaveBeenCalled();
      expect(readModelChecksums(db)).toEqual(before);
      expect(missingSecondaryIndexes(db)).toEqual([]);
    } finally {
      for (const spy of [directoryHalf, reportIndexes, processStatements]) spy.mockRestore();
    }
  });

  it('a rebuild whose thread cannot work (it stopped, or cannot open its files) runs wholly in the process', async () => {
    await writeImport(store);
    await runner.catchUp();
    const before = readModelChecksums(db);
    writeFileSync(join(dir, 'plain'), 'not a folder');
    const broken = new ProjectionThread({ logFile: join(dir, 'events.sqlite'), readModelFile: join(dir, 'plain', 'readmodels.sqlite') });
    const alone = new ProjectionRunner(store, db, readModelProjections(db), { thread: broken });
    try {
      expect(await alone.rebuild()).toBe(USERS + 2);

      expect(readModelChecksums(db)).toEqual(before);
      expect(missingSecondaryIndexes(db)).toEqual([]);
    } finally {
      await alone.stop();
    }
  });

  it('a rebuild whose report-index thread fails creates that index in the process: the rebuild completes', async () => {
    await writeImport(store);
    await runner.catchUp();
    const before = readModelChecksums(db);
    const reportIndexes = jest.spyOn(ProjectionThread.prototype, 'createReportIndexesBeside').mockRejectedValue(new Error('the index thread stopped'));
    try {
      expect(await runner.rebuild()).toBe(USERS + 2);

      expect(reportIndexes).toHaveBeenCalledTimes(1);
      expect(readModelChecksums(db)).toEqual(before);
      expect(missingSecondaryIndexes(db)).toEqual([]);
    } finally {
      reportIndexes.mockRestore();
    }
  });

  it("the thread's next pass carries on from the rebuilt checkpoints", async () => {
    await writeImport(store);
    await runner.rebuild();

    const event = created(USERS);
    await store.append(`user-u${USERS}`, [{ id: 'after-rebuild', type: event.type, data: event.data }], 'no-stream');
    expect(await runner.catchUp()).toBe(1);
    expect(new DirectoryReadModel(db).count()).toBe(USERS + 1);
  });

  it('a rebuild while another process projects the same read models ends with the same read models', async () => {
    await writeImport(store);
    await runner.catchUp();
    const before = readModelChecksums(db);
    // A server beside `etl replay`: its own connection and runner, whose pass lands while the thread rebuilds.
    const otherDb = openReadModelDb(join(dir, 'readmodels.sqlite'));
    const other = new ProjectionRunner(store, otherDb, readModelProjections(otherDb));
    const rebuildDirectory = ProjectionThread.prototype.rebuildDirectory;
    const halves = jest.spyOn(ProjectionThread.prototype, 'rebuildDirectory').mockImplementation(async function (this: ProjectionThread) {
      await other.catchUp();
      return rebuildDirectory.call(this);
    });
    try {
      await runner.rebuild();

      expect(readModelChecksums(db)).toEqual(before);
    } finally {
      halves.mockRestore();
      await other.stop();
      otherDb.close();
    }
  });

  it('a rebuild whose directory half fails part-way carries on in the process from where that half stopped', async () => {
    await writeImport(store);
    await runner.catchUp();
    const before = readModelChecksums(db);
    // The thread's half as it would be cut short: two batches of two users committed, then a failure.
    const partialDb = openReadModelDb(join(dir, 'readmodels.sqlite'), { createIndexes: false });
    const directory = new DirectoryProjection(partialDb);
    let appliedBeforeFailing = 0;
    const failingAfterFour: Projection = {
      name: directory.name,
      streamPrefixes: directory.streamPrefixes,
      reset: () => directory.reset(),
      apply: (event) => {
        if (appliedBeforeFailing === 4) throw new Error('the projection thread stopped');
        directory.apply(event);
        appliedBeforeFailing++;
      },
    };
    const halves = jest.spyOn(ProjectionThread.prototype, 'rebuildDirectory').mockImplementation(() =>
      new ProjectionRunner(store, partialDb, [failingAfterFour], { batchWeight: 2, manageIndexes: false }).catchUp(),
    );
    try {
      // The import's two events here, then the users from the fifth on: the four committed are not read again.
      expect(await runner.rebuild()).toBe(2 + USERS - 4);

      await expect(halves.mock.results[0].value).rejects.toThrow('the projection thread stopped');
      expect(appliedBeforeFailing).toBe(4);
      expect(readModelChecksums(db)).toEqual(before);
      expect(missingSecondaryIndexes(db)).toEqual([]);
    } finally {
      halves.mockRestore();
      partialDb.close();
    }
  });

  it('a pass that fails on the thread rejects the caller with the thread\'s error', async () => {
    // Row results of an import never requested: the report refuses them, on the thread.
    await store.append(`import-${IMPORT_ID}`, [
      { id: 'bad-rows', type: 'ImportRowsPlanned', data: { importId: IMPORT_ID, planNumber: 1, rows: [{ row: 2, outcome: 'created', reasons: [], warnings: [] }] } },
    ], 'no-stream');

    await expect(runner.catchUp()).rejects.toThrow(`import ${IMPORT_ID}: row results before the import was requested`);
    expect(runner.position()).toBe(0); // the failed batch's transaction moved no checkpoint
  });

  it('a thread that cannot open its files fails every pass with the reason', async () => {
    writeFileSync(join(dir, 'plain'), 'not a folder');
    const broken = new ProjectionThread({ logFile: join(dir, 'events.sqlite'), readModelFile: join(dir, 'plain', 'readmodels.sqlite') });
    try {
      await expect(broken.catchUp()).rejects.toThrow(/EEXIST/);
      await expect(broken.catchUp()).rejects.toThrow(/EEXIST/);
    } finally {
      await broken.close();
    }
  });
});
