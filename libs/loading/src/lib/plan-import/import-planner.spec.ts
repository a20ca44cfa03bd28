import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobStore, readNdjsonBatches } from '@dirsync/blob-store';
import { DEFAULT_IMPORT_OPTIONS, type ImportOptions, type MatchBy, type PlanLineRef, type RowResult, type UserRecord } from '@dirsync/domain';
import { InMemoryEventStore } from '@dirsync/event-store';
import {
  CatalogProjection,
  CatalogReadModel,
  DirectoryProjection,
  DirectoryReadModel,
  ImportReportProjection,
  openReadModelDb,
  PlanLineReader,
  ProjectionRunner,
} from '@dirsync/projections';
import { PlanApplier } from '../apply-plan/plan-applier';
import { ImportPlanner } from './import-planner';
import type { PlanAppends } from './plan-line';
import { PlanLinesThread } from './plan-lines-thread';

describe('ImportPlanner and PlanApplier', () => {
  let dir: string;
  let store: InMemoryEventStore;
  let blobs: BlobStore;
  let runner: ProjectionRunner;
  let planner: ImportPlanner;
  let applier: PlanApplier;
  let importCount = 0;
  let db: ReturnType<typeof openReadModelDb>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'planner-'));
    store = new InMemoryEventStore();
    blobs = new BlobStore(join(dir, 'blobs'));
    db = openReadModelDb(':memory:');
    runner = new ProjectionRunner(store, db, [new DirectoryProjection(db), new ImportReportProjection(db), new CatalogProjection(db)]);
    planner = new ImportPlanner(new DirectoryReadModel(db), new CatalogReadModel(db), blobs);
    applier = new PlanApplier(store, blobs);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Plans the records as one import and returns each row's result. */
  async function plan(
    records: UserRecord[],
    options: Partial<ImportOptions> = {},
    extra: { format?: 'csv' | 'xml'; rejectedKeys?: string[]; importId?: string; planner?: ImportPlanner; matchBy?: MatchBy } = {},
  ) {
    const writer = blobs.writer();
    for (const record of records) await writer.write(`${JSON.stringify(record)}\n`);
    const recordsRef = await writer.commit();
    await runner.catchUp();
    const results: RowResult[] = [];
    const output = await (extra.planner ?? planner).plan({
      // Import ids are UUIDs (version 7): the ids of the users and events it plans begin with them.
      importId: extra.importId ?? `019aa6f2-3c41-7d2e-9b1a-${String(++importCount).padStart(12, '0')}`,
      options: { ...DEFAULT_IMPORT_OPTIONS, ...options },
      matchBy: extra.matchBy ?? 'identifier',
      recordsSha256: recordsRef.sha256,
      validRows: records.length,
      format: extra.format ?? 'csv',
      rejectedBeforePlanning: extra.rejectedKeys?.length ?? 0,
      rejectedKeys: extra.rejectedKeys ?? [],
    }, { add: async (result) => void results.push(result) });
    return { output, results };
  }

  const row = (n: number, identifier: string, profile: UserRecord['profile'] = {}): UserRecord => ({ row: n, profile: { identifier, ...profile } });

  it('rejects a key repeated in the file and an e-mail an earlier row claimed', async () => {
    const { results, output } = await plan([
      row(2, 'a', { email: 'a@x.com' }),
      row(3, 'A', { email: 'other@x.com' }),
      row(4, 'b', { email: 'A@x.com' }),
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['created', 'rejected', 'rejected']);
    expect(results[1].reasons).toEqual(['the same key already appears at row 2']);
    expect(results[2].reasons).toEqual(['e-mail address is already used by row 2 of this file']);
    expect(output.counts).toMatchObject({ created: 1, rejected: 2 });
  });

  it('rejects an e-mail that belongs to another user of the directory, naming that user', async () => {
    const first = await plan([row(2, 'a', { email: 'a@x.com' })]);
    await applier.apply(first.output.plan.sha256);
    const { results } = await plan([row(2, 'b', { email: 'a@x.com' })]);
    expect(results[0]).toMatchObject({ outcome: 'rejected', reasons: ['e-mail address is already used by user a'] });
  });

  it('generates unique usernames across the directory and the file', async () => {
    const first = await plan([row(2, 'a', { email: 'sam@x.com' })]);
    await applier.apply(first.output.plan.sha256);
    await plan([row(2, 'b', { email: 'sam@y.com' }), row(3, 'c', { email: 'sam@z.com' })]).then(async ({ output }) => applier.apply(output.plan.sha256));
    await runner.catchUp();
    const usernames = [];
    for await (const e of store.readAll({ filter: { eventTypes: ['UserCreated'] } })) usernames.push((e.data as { profile: { username: string } }).profile.username);
    expect(usernames).toEqual(['sam', 'sam2', 'sam3']);
  });

  it('never generates a username that a row of the file gives, before or after it, on the claims thread too', async () => {
    await applier.apply((await plan([row(2, 'held', { email: 'held@x.com', username: 'sam3' })])).output.plan.sha256);
    const records = [
      row(2, 'first', { email: 'Sam@x.com' }), // generated: not sam (row 4 gives it), sam2 (row 3's, which is rejected), sam3 (held)
      row(3, 'FIRST', { username: 'sam2' }), // duplicate key: rejected, yet its username stays reserved
      row(4, 'later', { email: 'later@x.com', username: 'SAM' }),
      row(5, 'again', { email: 'sam@y.com' }), // sam5: sam4 went to row 2
    ];
    const generated = async (claimsThreadFromRows: number) => {
      const tuned = new ImportPlanner(new DirectoryReadModel(db), new CatalogReadModel(db), blobs, { claimsThreadFromRows });
      const { output, results } = await plan(records, {}, { planner: tuned, importId: '019aa6f2-3c41-7d2e-9b1a-0000000000fa' });
      expect(results.map((r) => r.outcome)).toEqual(['created', 'rejected', 'created', 'created']);
      return { output, usernames: await plannedUsernames(output.plan.sha256) };
    };
    const inProcess = await generated(Number.MAX_SAFE_INTEGER);
    expect(inProcess.usernames).toEqual(['sam4', 'SAM', 'sam5']);
    const onThread = await generated(1);
    expect(onThread.output).toEqual(inProcess.output); // the same plan blob, byte for byte
  });

  /** The usernames of the users a plan creates, in row order. */
  async function plannedUsernames(planSha256: string): Promise<string[]> {
    const usernames: string[] = [];
    for await (const batch of readNdjsonBatches<PlanAppends>(blobs.openRead(planSha256))) {
      for (const line of batch) {
        for (const append of line.appends) {
          for (const event of append.events) {
            if (event.type === 'UserCreated') usernames.push((event.data as { profile: { username: string } }).profile.username);
          }
        }
      }
    }
    return usernames;
  }

  it('resolves a manager created later in the same file, and warns about an unknown one', async () => {
    const { results } = await plan([
      row(2, 'a', { email: 'a@x.com', managerEmail: 'boss@x.com' }),
      row(3, 'boss', { email: 'boss@x.com', managerEmail: 'ghost@x.com' }),
    ]);
    expect(results[0].warnings).toEqual([]);
    expect(results[1].warnings).toEqual(['manager "ghost@x.com" is not a user of the directory; it was not saved']);
  });

  it('warns about a manager whose only rows came before and were rejected, unless a directory user has that e-mail', async () => {
    await applier.apply((await plan([row(2, 'held', { email: 'held@x.com' })])).output.plan.sha256);
    const unknown = 'manager "boss@x.com" is not a user of the directory; it was not saved';
    const { results } = await plan([
      row(2, 'a', { email: 'a@x.com' }),
      row(3, 'A', { email: 'boss@x.com' }), // a repeated key: rejected, so nobody takes boss@x.com
      row(4, 'b', { email: 'b@x.com', managerEmail: 'boss@x.com' }),
      row(5, 'B', { email: 'held@x.com' }), // rejected too, but a directory user has held@x.com
      row(6, 'c', { email: 'c@x.com', managerEmail: 'held@x.com' }),
      row(7, 'd', { email: 'd@x.com', managerEmail: 'd@x.com' }), // its own manager: taken as it is decided
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['created', 'rejected', 'created', 'rejected', 'created', 'created']);
    expect(results.map((r) => r.warnings)).toEqual([[], [], [unknown], [], [], []]);
  });

  it('knows a manager whose row was skipped as unchanged without looking the e-mail up', async () => {
    const records = [row(2, 'boss', { email: 'boss@x.com' }), row(3, 'a', { email: 'a@x.com', managerEmail: 'BOSS@x.com' })];
    await applier.apply((await plan(records)).output.plan.sha256);
    const directory = new DirectoryReadModel(db);
    const lookups: string[] = [];
    const findBy = directory.findBy.bind(directory);
    directory.findBy = (field, value) => (lookups.push(`${field}:${value}`), findBy(field, value));
    const { results } = await plan(records, {}, { planner: new ImportPlanner(directory, new CatalogReadModel(db), blobs) });
    expect(results.map((r) => [r.outcome, r.warnings])).toEqual([['skipped', []], ['skipped', []]]);
    expect(lookups.filter((lookup) => lookup.startsWith('email:'))).toEqual([]);
  });

  it("points a created user's result at its plan line, where its fields are read; other results carry their changes", async () => {
    await applier.apply((await plan([row(2, 'kept', { title: 'Old' })])).output.plan.sha256);
    await runner.catchUp();
    const { output, results } = await plan(
      [
        row(2, 'kept', { title: 'New' }),
        { row: 3, profile: { identifier: 'fresh', email: 'fresh@x.com', title: 'Tester' }, securityRoles: ['Auditor'] },
        { row: 4, profile: { identifier: 'other' }, status: 'Inactive' },
      ],
      {},
      { format: 'xml' }, // the second row's line also defines the role in the catalog
    );
    expect(results.map((r) => r.outcome)).toEqual(['updated', 'created', 'created']);
    expect(results[0]).toMatchObject({ changes: { title: { from: 'Old', to: 'New' } } });
    expect(results[0].planLine).toBeUndefined();

    const reader = new PlanLineReader((sha256) => blobs.path(sha256));
    try {
      const [fresh, other] = results.slice(1).map((result) => {
        expect(result.changes).toBeUndefined();
        return reader.changesAt(output.plan.sha256, result.planLine as PlanLineRef, result.userId as string);
      });
      expect(fresh).toEqual({
        identifier: { to: 'fresh' },
        email: { to: 'fresh@x.com' },
        username: { to: 'fresh' },
        title: { to: 'Tester' },
        language: { to: 'en' },
        status: { to: 'Active' },
        securityRoles: { to: ['Auditor'] },
        genericProperties: { to: {} },
      });
      expect(other).toMatchObject({ identifier: { to: 'other' }, status: { to: 'Inactive' } });
      // Bytes that are not this user's line (another user's, or from the middle of a line) give no fields.
      const line = results[1].planLine as PlanLineRef;
      expect(reader.changesAt(output.plan.sha256, line, results[2].userId as string)).toBeNull();
      expect(reader.changesAt(output.plan.sha256, { offset: line.offset + 1, length: line.length }, results[1].userId as string)).toBeNull();
      // The updated row's line comes first: the same user, but no creation.
      expect(reader.changesAt(output.plan.sha256, { offset: 0, length: line.offset }, results[0].userId as string)).toBeNull();
    } finally {
      reader.close();
    }
  });

  it('applies a plan once even when it is applied again after a crash', async () => {
    const { output } = await plan([row(2, 'a'), row(3, 'b')]);
    expect(await applier.apply(output.plan.sha256)).toEqual({ appendedEvents: 2, notApplied: [] });
    const head = await store.headPosition();
    await applier.apply(output.plan.sha256);
    expect(await store.headPosition()).toBe(head);
  });

  it('numbers the users it creates and their events in row order, so the store appends them at the end of its indexes', async () => {
    const first = await plan([row(2, 'a'), row(3, 'b')]);
    await applier.apply(first.output.plan.sha256);
    await runner.catchUp();
    const rows = Array.from({ length: 300 }, (_, i) => row(i + 3, `user${i}`, { email: `user${i}@x.com`, title: 'New' }));
    const { output, results } = await plan([row(2, 'b', { title: 'Changed' }), ...rows]);
    await applier.apply(output.plan.sha256);

    const created = results.filter((r) => r.outcome === 'created').map((r) => r.userId as string);
    expect(created).toHaveLength(300);
    expect([...created].sort()).toEqual(created);
    const eventIds: string[] = [];
    for await (const event of store.readAll({ fromPosition: 2 })) if (event.type.startsWith('User')) eventIds.push(event.id);
    expect(eventIds).toHaveLength(301); // b updated, then the 300 creations
    expect([...eventIds].sort()).toEqual(eventIds);
  });

  it('lets XML define unknown roles and properties in the catalog; CSV drops them with a warning', async () => {
    const csv = await plan([{ row: 2, profile: { identifier: 'a' }, securityRoles: ['Auditor'], genericProperties: { Site: 'Lyon' } }]);
    expect(csv.results[0].warnings).toEqual([
      'security role "Auditor" is not in the catalog and was ignored (only an XML import can define it)',
      'generic property "Site" is not in the catalog and was ignored (only an XML import can define it)',
    ]);
    const xml = await plan([{ row: 1, profile: { identifier: 'b' }, securityRoles: ['Auditor'], genericProperties: { Site: 'Lyon' } }], {}, { format: 'xml' });
    expect(xml.results[0].warnings).toEqual([]);
    await applier.apply(xml.output.plan.sha256);
    const later = await plan([{ row: 2, profile: { identifier: 'c' }, securityRoles: ['AUDITOR'] }]);
    expect(later.results[0]).toMatchObject({ outcome: 'created', warnings: [] });
  });

  it('matched by e-mail, rejects an identifier another user or an earlier row has', async () => {
    await applier.apply((await plan([row(2, 'jdoe', { email: 'john@a.com' })])).output.plan.sha256);
    const { results, output } = await plan(
      [row(2, 'JDOE', { email: 'john@b.com' }), row(3, 'new', { email: 'new@b.com' }), row(4, 'New', { email: 'other@b.com' }), row(5, 'jdoe', { email: 'john@a.com', title: 'Lead' })],
      {},
      { matchBy: 'email' },
    );
    expect(results.map((r) => r.outcome)).toEqual(['rejected', 'created', 'rejected', 'updated']);
    expect(results[0].reasons).toEqual(['identifier is already used by user john@a.com']);
    expect(results[2].reasons).toEqual(['identifier is already used by row 3 of this file']);
    expect(output.counts).toMatchObject({ created: 1, updated: 1, rejected: 2 });
  });

  it('matched by e-mail into an empty directory, rejects an identifier an earlier row has', async () => {
    const { results } = await plan([row(2, 'jdoe', { email: 'john@a.com' }), row(3, 'jdoe', { email: 'john@b.com' })], {}, { matchBy: 'email' });
    expect(results.map((r) => r.outcome)).toEqual(['created', 'rejected']);
    expect(results[1].reasons).toEqual(['identifier is already used by row 2 of this file']);
  });

  it('rejects a username another user has', async () => {
    await applier.apply((await plan([row(2, 'a', { username: 'sam' })])).output.plan.sha256);
    const { results } = await plan([row(2, 'b', { username: 'SAM' })]);
    expect(results[0]).toMatchObject({ outcome: 'rejected', reasons: ['username is already used by user a'] });
  });

  it('disables active users missing from the file, but not those whose row was rejected', async () => {
    await applier.apply((await plan([row(2, 'a'), row(3, 'b'), row(4, 'c')])).output.plan.sha256);
    const { results, output } = await plan([row(2, 'a')], { disableMissing: true }, { rejectedKeys: ['C'] });
    expect(output.counts).toMatchObject({ skipped: 1, disabled: 1, rejected: 1 });
    expect(results[1]).toMatchObject({ key: 'b', outcome: 'disabled', reasons: ['not present in the file ("disable missing")'] });
  });

  it('matches a large file against the directory in one pass with the same results as one look-up per row', async () => {
    const identifiers = Array.from({ length: 2_500 }, (_, i) => `user${i}`);
    await applier.apply((await plan(identifiers.map((id, i) => row(i + 2, id, { email: `${id}@x.com`, title: 'Old' })))).output.plan.sha256);
    // A deleted user shares user7's key: a look-up returns the live one first, so must the pass.
    const deletedId = '019aa6f2-3c41-8d2e-9b1a-00000000dead';
    await store.append(`user-${deletedId}`, [
      { id: '019aa6f2-3c41-8d2e-9b1a-0000000000e1', type: 'UserCreated', data: { userId: deletedId, profile: { identifier: 'USER7' }, status: 'Active', securityRoles: [], genericProperties: {} } },
      { id: '019aa6f2-3c41-8d2e-9b1a-0000000000e2', type: 'UserDeleted', data: { userId: deletedId } },
    ]);
    await runner.catchUp();
    const records = [
      row(2, 'USER1', { title: 'New' }), // matched, changed
      row(3, 'user2'), // matched, unchanged
      row(4, 'newcomer', { email: 'newcomer@x.com' }),
      row(5, 'User1', { title: 'Again' }), // duplicate of row 3
      row(6, 'user7', { title: 'Old' }),
      row(8, 'user9', { title: 'Rejected before' }), // its key's first valid row, after a rejected one
      ...identifiers.slice(10).map((id, i) => row(i + 10, id, { title: i % 3 === 0 ? 'New' : 'Old' })),
    ];
    const directory = new DirectoryReadModel(db);
    const catalog = new CatalogReadModel(db);
    const onePass = countBulkReads(directory);
    const importId = '019aa6f2-3c41-7d2e-9b1a-0000000000ff';
    const byLookUps = await plan(records, {}, { importId, rejectedKeys: ['USER9'], planner: new ImportPlanner(directory, catalog, blobs, { matchInOnePassUpTo: 0 }) });
    expect(onePass.calls).toBe(0);
    const inOnePass = await plan(records, {}, { importId, rejectedKeys: ['USER9'], planner: new ImportPlanner(directory, catalog, blobs, { matchInOnePassUpTo: 1_000 }) });
    expect(onePass.calls).toBeGreaterThan(1);
    expect(inOnePass.results).toEqual(byLookUps.results);
    expect(inOnePass.output.counts).toEqual(byLookUps.output.counts);
    expect(inOnePass.results.slice(0, 6).map((r) => r.outcome)).toEqual(['updated', 'skipped', 'created', 'rejected', 'skipped', 'updated']);
    expect(inOnePass.results[4].userId).not.toBe(deletedId);
  });

  it('plans the same when the claims pass reads its records on a thread', async () => {
    await applier.apply((await plan([row(2, 'taken', { email: 'taken@x.com', username: 'taken' })])).output.plan.sha256);
    const records = [
      row(2, 'ADA', { email: 'ada@x.com', managerEmail: 'boss@x.com' }), // its manager comes later in the file
      row(3, 'grace', { email: 'Ada@X.com ' }), // the e-mail row 2 took
      row(4, 'ada', { title: 'Again' }), // duplicate of row 2
      row(5, 'boss', { email: 'boss@x.com' }),
      row(6, 'rejected-before', { username: 'TAKEN' }), // a username the directory has
      row(7, 'lin'),
    ];
    const directory = new DirectoryReadModel(db);
    const catalog = new CatalogReadModel(db);
    const importId = '019aa6f2-3c41-7d2e-9b1a-0000000000fe';
    const inProcess = await plan(records, {}, { importId, rejectedKeys: ['REJECTED-BEFORE'], planner: new ImportPlanner(directory, catalog, blobs) });
    const onThread = await plan(records, {}, { importId, rejectedKeys: ['REJECTED-BEFORE'], planner: new ImportPlanner(directory, catalog, blobs, { claimsThreadFromRows: 1 }) });
    expect(inProcess.results.map((r) => r.outcome)).toEqual(['created', 'rejected', 'rejected', 'created', 'rejected', 'created']);
    expect(inProcess.results[0].warnings).toEqual([]); // the manager was found among the file's e-mails
    expect(onThread.results).toEqual(inProcess.results);
    expect(onThread.output).toEqual(inProcess.output); // the same plan blob, byte for byte
  });

  it("plans the same when the plan is written on the plan-lines thread, which builds created users' lines", async () => {
    await applier.apply((await plan([row(2, 'kept', { title: 'Old', email: 'kept@x.com' }), row(3, 'gone')])).output.plan.sha256);
    await runner.catchUp();
    const records: UserRecord[] = [
      row(2, 'kept', { title: 'New' }), // an update: its line is encoded in the process
      row(3, 'ada', { email: 'ada@x.com', managerEmail: 'ghost@x.com' }), // a generated username, an unknown manager
      row(4, 'ADA', { title: 'Again' }), // duplicate of row 3: no line
      { row: 5, profile: { identifier: 'roles', username: 'r' }, securityRoles: ['Auditor'] }, // roles: encoded in the process
      { row: 6, profile: { identifier: 'warned', username: 'w' }, warnings: ['a column was ignored'] },
      row(7, 'boss', { email: 'boss@x.com', firstName: 'Zoë', managerEmail: 'kept@x.com' }),
    ];
    const directory = new DirectoryReadModel(db);
    const catalog = new CatalogReadModel(db);
    const importId = '019aa6f2-3c41-7d2e-9b1a-0000000000fd';
    for (const format of ['csv', 'xml'] as const) {
      const options = { disableMissing: true };
      const inProcess = await plan(records, options, { importId, format, planner: new ImportPlanner(directory, catalog, blobs) });
      // Two rows a batch: results wait for their lines across several batches.
      const tuning = { planLinesThreadFromRows: 1, planLinesBatchRows: 2 };
      const sentLines = jest.spyOn(PlanLinesThread.prototype, 'lines');
      const onThread = await plan(records, options, { importId, format, planner: new ImportPlanner(directory, catalog, blobs, tuning) });
      expect(sentLines).toHaveBeenCalledTimes(4); // 7 rows, two a batch
      sentLines.mockRestore();
      expect(inProcess.results.map((r) => r.outcome)).toEqual(['updated', 'created', 'rejected', 'created', 'created', 'created', 'disabled']);
      expect(onThread.results).toEqual(inProcess.results); // the created users' results point at the same places
      expect(onThread.output).toEqual(inProcess.output); // the same plan blob, byte for byte, and the same counts
    }
  });

  it("plans a first import the same from the plan-lines thread's outlines of its records", async () => {
    const records: UserRecord[] = [
      row(2, 'ada', { email: 'ada@x.com', firstName: 'Ada', managerEmail: 'boss@x.com' }), // a generated username (ada2); its manager comes later
      row(3, 'ADA', { title: 'Again' }), // duplicate of row 2
      row(4, 'grace', { email: 'Ada@X.com', username: 'grace' }), // the e-mail row 2 took
      row(5, 'boss', { email: 'boss@x.com', username: 'ada' }), // reserved: row 2's username is not generated as ada
      { row: 6, profile: { identifier: 'roles', username: 'r' }, securityRoles: ['Auditor'], genericProperties: { Site: 'Oslo' } },
      { row: 7, profile: { identifier: 'warned', username: 'w', managerEmail: 'ghost@x.com' }, warnings: ['a column was ignored'] },
      row(8, 'lin', { email: 'lin@x.com', department: 'R&D', managerEmail: 'nobody@x.com' }), // an unknown manager
      row(9, 'zoë', { firstName: 'Zoë', status: 'Inactive' } as UserRecord['profile']),
    ];
    const directory = new DirectoryReadModel(db);
    const catalog = new CatalogReadModel(db);
    const importId = '019aa6f2-3c41-7d2e-9b1a-0000000000fb';
    for (const format of ['csv', 'xml'] as const) {
      const options = { disableMissing: true };
      const inProcess = await plan(records, options, { importId, format, planner: new ImportPlanner(directory, catalog, blobs) });
      // Three records a batch of outlines, two rows a batch of lines: both cross several times.
      const tuning = { planLinesThreadFromRows: 1, planLinesBatchRows: 2, outlineBatchRecords: 3 };
      const outlined = jest.spyOn(PlanLinesThread.prototype, 'outlinedRecords');
      const onThread = await plan(records, options, { importId, format, planner: new ImportPlanner(directory, catalog, blobs, tuning) });
      expect(outlined).toHaveBeenCalledTimes(1);
      outlined.mockRestore();
      expect(inProcess.results.map((r) => r.outcome)).toEqual(['created', 'rejected', 'rejected', 'created', 'created', 'created', 'created', 'created']);
      expect(inProcess.results[0].warnings).toEqual([]); // the manager was found among the file's e-mails
      expect((await plannedUsernames(inProcess.output.plan.sha256)).slice(0, 2)).toEqual(['ada2', 'ada']);
      expect(inProcess.results[6].warnings).toEqual(['manager "nobody@x.com" is not a user of the directory; it was not saved']);
      expect(onThread.results).toEqual(inProcess.results);
      expect(onThread.output).toEqual(inProcess.output); // the same plan blob, byte for byte, and the same counts
    }
  });
});

/** Counts the statements that read matched users in bulk. */
function countBulkReads(directory: DirectoryReadModel): { calls: number } {
  const counter = { calls: 0 };
  const read = directory.findByHandles.bind(directory);
  directory.findByHandles = (handles) => {
    counter.calls += 1;
    return read(handles);
  };
  return counter;
}
