import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryEventStore, type EventStore } from '@dirsync/event-store';
import { lockExclusively } from '@dirsync/event-store/sqlite';
import { evolveUser, toRowResultColumns, type RowResult, type UserEvent, type UserState } from '@dirsync/domain';
import { DirectoryProjection } from '../directory/directory.projection';
import { DirectoryReadModel } from '../directory/directory.read-model';
import { ImportReportProjection } from '../import-report/import-report.projection';
import { dropDirectoryIndexes, missingSecondaryIndexes, openReadModelDb, type ReadModelDb } from '../read-model-db';
import type { Projection } from './projection';
import { readModelChecksums, replayAndCompare } from './replay';
import { RebuildInProgressError, rebuildLockFile } from './rebuild-lock';
import { ProjectionRunner } from './projection-runner';

const created = (userId: string, identifier: string, email: string): UserEvent => ({
  type: 'UserCreated',
  data: { userId, profile: { identifier, email }, status: 'Active', securityRoles: [], genericProperties: {}, importId: 'i1', row: 2 },
});

async function appendUser(store: EventStore, event: UserEvent, expected: number | 'no-stream' = 'no-stream') {
  await store.append(`user-${event.data.userId}`, [{ id: `${event.data.userId}-${event.type}-${expected}`, type: event.type, data: event.data }], expected);
}

describe('ProjectionRunner with the directory', () => {
  let store: EventStore;
  let db: ReadModelDb;
  let runner: ProjectionRunner;
  let directory: DirectoryReadModel;

  beforeEach(() => {
    store = new InMemoryEventStore();
    db = openReadModelDb(':memory:');
    runner = new ProjectionRunner(store, db, [new DirectoryProjection(db), new ImportReportProjection(db)]);
    directory = new DirectoryReadModel(db);
  });
  afterEach(async () => {
    await store.close();
    db.close();
  });

  it('folds user events into directory rows with the stream revision', async () => {
    await appendUser(store, created('u1', 'Ada@Corp', 'ada@corp.com'));
    await appendUser(store, { type: 'UserUpdated', data: { userId: 'u1', changes: { title: { from: undefined, to: 'CTO' } } } }, 0);
    await appendUser(store, { type: 'UserDisabled', data: { userId: 'u1', reason: 'admin', previousStatus: 'Active' } }, 1);
    await runner.catchUp();
    expect(directory.findBy('identifier', 'ada@corp')).toMatchObject({ id: 'u1', title: 'CTO', status: 'Inactive', revision: 2 });
    expect(directory.findBy('email', 'ADA@CORP.COM')?.id).toBe('u1');
  });

  it('writes every field of the state, the match keys, the listing key and the history columns', async () => {
    const profile = {
      identifier: ' Ada@Corp ', upn: 'ada@corp.com', email: 'Ada@Corp.com', username: 'ALovelace', personId: 'P1', firstName: 'Ada',
      lastName: 'Lovelace', title: 'Analyst', department: 'R&D', alias: 'ada', language: 'en', managerEmail: 'cb@corp.com',
      picture: 'a.png', minglePicture: 'm.png',
    };
    const first: UserEvent = {
      type: 'UserCreated',
      data: { userId: 'u1', profile, status: 'Active', securityRoles: ['admin'], genericProperties: { floor: '3' }, importId: 'i1', row: 2 },
    };
    await appendUser(store, first);
    await appendUser(store, { type: 'UserUpdated', data: { userId: 'u1', changes: { title: { from: 'Analyst', to: 'CTO' } }, importId: 'i2', row: 5 } }, 0);
    await appendUser(store, { type: 'UserDisabled', data: { userId: 'u1', reason: 'admin', previousStatus: 'Active' } }, 1);
    await runner.catchUp();

    const stream = [];
    for await (const event of store.readStream('user-u1')) stream.push(event);
    const [createdAt, updatedAt] = [stream[0].recordedAt, stream[2].recordedAt];
    expect(directory.getById('u1')).toEqual({
      id: 'u1', ...profile, title: 'CTO', status: 'Inactive', deleted: false, securityRoles: ['admin'], genericProperties: { floor: '3' },
      createdAt, updatedAt, lastImportId: 'i2', // the disable came from no import: the last import stays
    });
    expect(db.prepare('SELECT identifier_key, email_key, username_key, sort_key, revision FROM users').get()).toEqual({
      identifier_key: 'ada@corp', email_key: 'ada@corp.com', username_key: 'alovelace', sort_key: 'ada@corp', revision: 2,
    });
  });

  it('lists each key once with a handle to the user findBy returns, across page boundaries', async () => {
    // "b" has a live user and a deleted one, which the index puts second: pages of 1 and 2 end
    // inside b's run (the rest is skipped), pages of 3 and 100 hold all of it (the repeat is dropped).
    await appendUser(store, created('u1', 'B', 'old-b@corp.com'));
    await appendUser(store, { type: 'UserDeleted', data: { userId: 'u1' } }, 0);
    for (const [id, key] of [['u2', 'a'], ['u3', 'b'], ['u4', 'c'], ['u5', 'D']]) await appendUser(store, created(id, key, `${id}@corp.com`));
    await runner.catchUp();
    for (const pageSize of [1, 2, 3, 100]) {
      const listed = [...directory.keyHandles('identifier', pageSize)];
      expect(listed.map(([key]) => key)).toEqual(['a', 'b', 'c', 'd']);
      const users = directory.findByHandles(listed.map(([, handle]) => handle));
      // Whole states: a handle's row is made into a state only when asked for, as findBy makes it.
      expect(listed.map(([, handle]) => users.get(handle))).toEqual(listed.map(([key]) => directory.findBy('identifier', key)));
    }
    expect(directory.findBy('identifier', 'b')?.id).toBe('u3');
    // No handles, no users: not even one that a handle of the directory would name.
    const [[, someHandle]] = [...directory.keyHandles('identifier')];
    expect(directory.findByHandles([]).get(someHandle)).toBeUndefined();
  });

  it('reads a user back by key exactly as its events fold it (absent fields stay absent)', async () => {
    const events: UserEvent[] = [
      {
        type: 'UserCreated',
        data: { userId: 'u1', profile: { identifier: 'a', email: 'a@corp.com' }, status: 'Active', securityRoles: ['Admin'], genericProperties: { Site: 'Lyon' }, importId: 'i1', row: 2 },
      },
      { type: 'UserUpdated', data: { userId: 'u1', changes: { title: { from: undefined, to: 'CTO' } } } },
    ];
    await appendUser(store, events[0]);
    await appendUser(store, events[1], 0);
    await runner.catchUp();
    const folded = events.reduce<UserState | undefined>(evolveUser, undefined);
    expect(directory.findBy('identifier', 'A')).toEqual({ ...folded, revision: 1 });
  });

  it('folds updates of any set of fields, the match keys included, beyond the update statements it keeps', async () => {
    // Every user's update changes a different set of fields: 100 sets, more than the projection
    // keeps UPDATE statements for (the rest are upserted whole).
    const fields = ['identifier', 'email', 'username', 'title', 'department', 'alias', 'language'] as const;
    const expected = new Map<string, UserState | undefined>();
    for (let n = 1; n <= 100; n++) {
      const userId = `u${n}`;
      const events: UserEvent[] = [created(userId, `id${n}`, `u${n}@corp.com`)];
      const changes = Object.fromEntries(
        fields.filter((_, bit) => n & (1 << bit)).map((field) => [field, { from: undefined, to: `${field}-${n}` }]),
      );
      events.push({ type: 'UserUpdated', data: { userId, changes, importId: 'i2', row: n } });
      if (n % 3 === 0) events.push({ type: 'UserDisabled', data: { userId, reason: 'admin', previousStatus: 'Active' } });
      for (const [revision, event] of events.entries()) await appendUser(store, event, revision === 0 ? 'no-stream' : revision - 1);
      expected.set(userId, events.reduce<UserState | undefined>(evolveUser, undefined));
    }
    await runner.catchUp();
    for (const [userId, state] of expected) {
      const key = state?.identifier ?? '';
      expect(directory.findBy('identifier', key.toUpperCase())).toEqual(state);
      expect(directory.findBy('email', state?.email)?.id).toBe(userId);
    }
    expect(directory.findBy('identifier', 'id1')).toBeUndefined(); // user 1 changed its identifier
    expect(db.prepare('SELECT count(*) AS n FROM users WHERE sort_key <> identifier_key').get()).toEqual({ n: 0 });
  });

  it('finds a live user before a deleted one with the same key', async () => {
    await appendUser(store, created('u0', 'same', 'old@corp.com'));
    await appendUser(store, { type: 'UserDeleted', data: { userId: 'u0', by: 'admin' } }, 0);
    await appendUser(store, created('u9', 'same', 'new@corp.com'));
    await runner.catchUp();
    expect(directory.findBy('identifier', 'same')?.id).toBe('u9');
  });

  it('among users alike in key and deletion, finds the one projected first, before and after a rebuild', async () => {
    await appendUser(store, created('u9', 'same', 'first@corp.com'));
    await appendUser(store, created('u1', 'same', 'second@corp.com')); // the smaller id, projected later
    await runner.catchUp();
    expect(directory.findBy('identifier', 'same')?.id).toBe('u9');
    const listed = [...directory.keyHandles('identifier')];
    expect(listed).toHaveLength(1);
    expect(directory.findByHandles(listed.map(([, handle]) => handle)).get(listed[0][1])?.id).toBe('u9');
    await runner.rebuild();
    expect(directory.findBy('identifier', 'same')?.id).toBe('u9');
  });

  it('moves the checkpoint in the same transaction as the rows, and applies each event once', async () => {
    await appendUser(store, created('u1', 'a', 'a@corp.com'));
    await runner.catchUp();
    await runner.catchUp();
    expect(directory.count()).toBe(1);
    expect(runner.position()).toBe(await store.headPosition());
  });

  it('reads the log once a pass, however many batches it applies, and applies every event once', async () => {
    for (let i = 0; i < 25; i++) await appendUser(store, created(`u${i}`, `id${i}`, `u${i}@corp.com`));
    const applied: number[] = [];
    const counter: Projection = { name: 'counter', streamPrefixes: ['user-'], apply: (event) => void applied.push(event.position), reset: () => undefined };
    const reads = jest.spyOn(store, 'readAll');
    const batchesOfTen = new ProjectionRunner(store, db, [new DirectoryProjection(db), counter], { batchWeight: 10 });
    await batchesOfTen.catchUp();
    expect(reads).toHaveBeenCalledTimes(1);
    expect(applied).toEqual([...Array(25).keys()].map((i) => i + 1));
    expect(directory.count()).toBe(25);
    expect(batchesOfTen.position()).toBe(await store.headPosition());
  });

  it('weighs a row-result event by the rows it carries, listed or in columns, to size its batches', async () => {
    const nineRows = Array.from({ length: 9 }, (_, i): RowResult => ({ row: i + 2, key: `k${i}`, outcome: 'skipped', reasons: [], warnings: [] }));
    await store.append('import-i1', [
      { id: 'listed', type: 'ImportRowsPlanned', data: { importId: 'i1', planNumber: 1, rows: nineRows } },
      { id: 'columns-1', type: 'ImportRowsPlanned', data: { importId: 'i1', planNumber: 1, columns: toRowResultColumns(nineRows) } },
      { id: 'columns-2', type: 'ImportRowsPlanned', data: { importId: 'i1', planNumber: 1, columns: toRowResultColumns(nineRows) } },
    ]);
    // Within a batch the checkpoint still says where the batch before it ended.
    const seenAt: number[] = [];
    const batches = new ProjectionRunner(store, db, [{ name: 'rows', streamPrefixes: ['import-'], apply: () => void seenAt.push(batches.position()), reset: () => undefined }], {
      batchWeight: 10,
    });
    await batches.catchUp();
    expect(seenAt).toEqual([0, 1, 2]); // each event weighs 1 + 9: a batch of its own
  });

  it('a catchUp that comes while a pass is in flight includes the events appended before it', async () => {
    await appendUser(store, created('u1', 'a', 'a@corp.com'));
    // The first pass reads the log to its end, then waits at the gate before it finishes.
    let readToEnd!: () => void;
    const atGate = new Promise<void>((resolve) => (readToEnd = resolve));
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const readAll = store.readAll.bind(store);
    jest.spyOn(store, 'readAll').mockImplementationOnce(async function* (options) {
      yield* readAll(options);
      readToEnd();
      await gate;
    });
    const first = runner.catchUp();
    await atGate;
    await appendUser(store, created('u2', 'b', 'b@corp.com'));

    const second = runner.catchUp();
    openGate();
    await second;

    expect(directory.findBy('identifier', 'b')?.id).toBe('u2');
    expect(await first).toBe(1);
  });

  it('keepUp starts no pass in the process, where it would only take turns with the caller', async () => {
    await appendUser(store, created('u1', 'a', 'a@corp.com'));
    const reads = jest.spyOn(store, 'readAll');
    runner.keepUp();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(reads).not.toHaveBeenCalled();
    expect(runner.position()).toBe(0);
  });

  it('followWhile in the process only runs the work: the catch-up after it projects what it appended', async () => {
    const reads = jest.spyOn(store, 'readAll');
    const result = await runner.followWhile(async () => {
      await appendUser(store, created('u1', 'a', 'a@corp.com'));
      return 'applied';
    });
    expect(result).toBe('applied');
    expect(reads).not.toHaveBeenCalled();
    await runner.catchUp();
    expect(directory.count()).toBe(1);
  });

  it('reaches the head even when the last events belong to streams it does not read', async () => {
    await appendUser(store, created('u1', 'a', 'a@corp.com'));
    await store.append('source-1', [{ id: 'src-1', type: 'SourceConfigured', data: {} }]);
    await runner.waitFor(await store.headPosition());
    expect(runner.position()).toBe(await store.headPosition());
  });

  it('rebuilds to exactly the rows the live projection made', async () => {
    for (let i = 0; i < 30; i++) await appendUser(store, created(`u${i}`, `id${i}`, `u${i}@corp.com`));
    await appendUser(store, { type: 'UserUpdated', data: { userId: 'u3', changes: { department: { from: undefined, to: 'Ops' } } } }, 0);
    await runner.catchUp();
    const live = JSON.stringify([...directory.all()]);
    const replayed = await runner.rebuild();
    expect(replayed).toBe(31);
    expect(JSON.stringify([...directory.all()])).toBe(live);
  });

  it('refuses a second rebuild while one runs, and the first still rebuilds everything', async () => {
    for (let i = 0; i < 30; i++) await appendUser(store, created(`u${i}`, `id${i}`, `u${i}@corp.com`));
    await runner.catchUp();
    const live = JSON.stringify([...directory.all()]);
    const first = runner.rebuild();
    await expect(runner.rebuild()).rejects.toThrow(RebuildInProgressError);
    expect(await first).toBe(30);
    expect(JSON.stringify([...directory.all()])).toBe(live);
    expect(await runner.rebuild()).toBe(30); // the lock went with the first
  });

  describe('over a read-model file', () => {
    let dir: string;
    let fileDb: ReadModelDb;
    let fileRunner: ProjectionRunner;
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'rebuild-lock-'));
      fileDb = openReadModelDb(join(dir, 'readmodels.sqlite'));
      fileRunner = new ProjectionRunner(store, fileDb, [new DirectoryProjection(fileDb)]);
      for (let i = 0; i < 5; i++) await appendUser(store, created(`u${i}`, `id${i}`, `u${i}@corp.com`));
      await fileRunner.catchUp();
    });
    afterEach(() => {
      fileDb.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const users = () => fileDb.prepare('SELECT count(*) FROM users').pluck().get();

    it('refuses to rebuild, touching nothing, while another connection holds the rebuild lock', async () => {
      const other = lockExclusively(rebuildLockFile(fileDb.name));
      expect(other).toBeDefined();
      try {
        await expect(fileRunner.rebuild()).rejects.toThrow(`another rebuild of ${fileDb.name} is running`);
        expect(users()).toBe(5);
      } finally {
        other?.();
      }
      expect(await fileRunner.rebuild()).toBe(5);
    });

    it("applies a batch again when another process committed after the batch's transaction read the file", async () => {
      // The first time it is applied, another connection (another process) commits to the file
      // after this transaction read its checkpoint: SQLite then refuses this one's writes.
      const otherProcess = openReadModelDb(fileDb.name);
      let applied = 0;
      const meddler: Projection = {
        name: 'meddler',
        streamPrefixes: ['user-'],
        apply: () => {
          if (applied++ === 0) otherProcess.prepare("INSERT INTO projection_checkpoints(name, position) VALUES ('elsewhere', 1)").run();
          fileDb.prepare("INSERT INTO projection_checkpoints(name, position) VALUES ('meddler-ran', 1) ON CONFLICT(name) DO NOTHING").run();
        },
        reset: () => undefined,
      };
      const directory = new DirectoryProjection(fileDb);
      const runner = new ProjectionRunner(store, fileDb, [meddler, directory]);
      try {
        await appendUser(store, created('u5', 'id5', 'u5@corp.com'));

        expect(await runner.catchUp()).toBe(6);
        expect(applied).toBe(6 + 1); // the first batch's first event twice: once refused, once applied
        expect(users()).toBe(6);
      } finally {
        otherProcess.close();
      }
    });

    it('holds the lock for the whole replay, both looks included, and lets it go', async () => {
      const replay = replayAndCompare(fileRunner, fileDb);
      // Taken before the replay's first await: nobody else can start a rebuild meanwhile.
      expect(lockExclusively(rebuildLockFile(fileDb.name))).toBeUndefined();
      expect(await replay).toMatchObject({ events: 5, identical: true });
      const after = lockExclusively(rebuildLockFile(fileDb.name));
      expect(after).toBeDefined();
      after?.();
    });
  });

  it('drops the secondary indexes for a rebuild and has them all again afterwards', async () => {
    const indexes = () =>
      db.prepare("SELECT name FROM (SELECT name FROM main.sqlite_master WHERE type = 'index' UNION ALL SELECT name FROM directory.sqlite_master WHERE type = 'index') ORDER BY name").pluck().all();
    const before = indexes();
    await appendUser(store, created('u1', 'a', 'a@corp.com'));
    await runner.catchUp();
    await runner.rebuild();
    expect(indexes()).toEqual(before);
    expect(before).toEqual(expect.arrayContaining(['users_by_identifier_key', 'users_by_email_key', 'users_by_username_key', 'import_rows_by_ord']));
  });

  describe('with many events waiting', () => {
    /** Notes which secondary indexes were missing while it applied each event. */
    class IndexWatcher implements Projection {
      readonly name = 'index-watcher';
      readonly streamPrefixes = ['user-'];
      readonly missingWhileApplying = new Set<string>();
      apply(): void {
        for (const name of missingSecondaryIndexes(db)) this.missingWhileApplying.add(name);
      }
      reset(): void {
        this.missingWhileApplying.clear();
      }
    }

    /** Batches of 10 events; after 40 of them a pass may defer the indexes. */
    const runnerDeferringAfter40 = (watcher: IndexWatcher) =>
      new ProjectionRunner(store, db, [new DirectoryProjection(db), new ImportReportProjection(db), watcher], { deferIndexesAfterEvents: 40, batchWeight: 10 });

    async function createUsers(from: number, count: number) {
      for (let i = from; i < from + count; i++) await appendUser(store, created(`u${i}`, `id${i}`, `u${i}@corp.com`));
    }

    it('defers the directory indexes while it catches up, has them all again when done, and folds the same rows', async () => {
      await createUsers(0, 50);
      const watcher = new IndexWatcher();
      await runnerDeferringAfter40(watcher).catchUp();

      expect([...watcher.missingWhileApplying].sort()).toEqual(['users_by_email_key', 'users_by_identifier_key', 'users_by_sort_key', 'users_by_username_key']);
      expect(missingSecondaryIndexes(db)).toEqual([]);
      expect(directory.findBy('email', 'u42@corp.com')?.id).toBe('u42');
      const deferred = readModelChecksums(db);
      await runner.rebuild(); // the default runner defers nothing for 50 events
      expect(readModelChecksums(db)).toEqual(deferred);
    });

    it('holds back waitFor callers until the deferred indexes are back, even for positions already applied', async () => {
      await createUsers(0, 50);
      const watcher = new IndexWatcher();
      const deferring = runnerDeferringAfter40(watcher);
      let waited: Promise<string[]> | undefined;
      const apply = watcher.apply.bind(watcher);
      watcher.apply = () => {
        apply();
        // A planner arriving mid-pass, for events the pass has long applied: it must not look users up without the indexes.
        if (watcher.missingWhileApplying.size > 0) waited ??= deferring.waitFor(1).then(() => missingSecondaryIndexes(db));
      };
      await deferring.catchUp();
      expect(waited).toBeDefined();
      expect(await waited).toEqual([]);
    });

    it('keeps the indexes for a few events into a large directory', async () => {
      const watcher = new IndexWatcher();
      const deferring = runnerDeferringAfter40(watcher);
      await createUsers(0, 200);
      await deferring.catchUp();
      watcher.reset();
      await createUsers(200, 45); // over the minimum, but the directory holds more than four users for each
      await deferring.catchUp();
      expect(watcher.missingWhileApplying.size).toBe(0);
      expect(directory.count()).toBe(245);
    });

    it('creates the indexes again when a pass fails, and when a stopped process left them dropped', async () => {
      await createUsers(0, 50);
      const failing = new IndexWatcher();
      failing.apply = () => {
        if (missingSecondaryIndexes(db).length > 0) throw new Error('projection bug'); // once the pass deferred them
      };
      await expect(runnerDeferringAfter40(failing).catchUp()).rejects.toThrow('projection bug');
      expect(missingSecondaryIndexes(db)).toEqual([]);

      dropDirectoryIndexes(db); // as a process killed mid-pass leaves them
      await runner.catchUp();
      expect(missingSecondaryIndexes(db)).toEqual([]);
      expect(directory.count()).toBe(50);
    });
  });
});
