import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { BlobStore } from '@dirsync/blob-store';
import { DEFAULT_IMPORT_OPTIONS, type UserRecord } from '@dirsync/domain';
import { PlanLinesThread } from './plan-lines-thread';

describe('PlanLinesThread', () => {
  const importId = '019aa6f2-3c41-7d2e-9b1a-0000000000fc';
  let dir: string;
  let blobs: BlobStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'plan-lines-'));
    blobs = new BlobStore(join(dir, 'blobs'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function threadFor(records: UserRecord[], outlineBatchRecords = 2_000): Promise<PlanLinesThread> {
    const ref = await blobs.putStream(Readable.from(records.map((record) => `${JSON.stringify(record)}\n`)));
    return new PlanLinesThread({ recordsFile: blobs.path(ref.sha256), blobsRoot: blobs.rootDir, importId, options: DEFAULT_IMPORT_OPTIONS, outlineBatchRecords });
  }
  const tempFiles = () => readdirSync(join(dir, 'blobs', 'tmp'));

  it("writes lines as given and builds created users' lines from their records, answering with their lengths", async () => {
    const thread = await threadFor([
      { row: 2, profile: { identifier: 'ada', firstName: 'Ada' } },
      { row: 3, profile: { identifier: 'skipped' } },
      { row: 4, profile: { identifier: 'zoë', email: 'zoe@x.com' } },
    ]);
    const given = '{"appends":[]}\n';
    const lengths = await thread.lines([given, { row: 2, username: 'ada', managerUnknown: false }]);
    expect(lengths.slice(0, 1)).toEqual([given.length]);
    expect(await thread.lines([{ row: 4, managerUnknown: false }])).toHaveLength(1);
    const ref = await thread.commit();

    const lines = readFileSync(blobs.path(ref.sha256), 'utf8').split('\n').slice(0, -1);
    expect(lines.map((line) => Buffer.byteLength(`${line}\n`))).toEqual([...lengths, expect.any(Number)]);
    const created = lines.slice(1).map((line) => JSON.parse(line).appends[0].events[0]);
    expect(created.map((event) => [event.type, event.data.row, event.data.profile])).toEqual([
      // The options' default language, as the planner fills it in.
      ['UserCreated', 2, { identifier: 'ada', username: 'ada', firstName: 'Ada', language: DEFAULT_IMPORT_OPTIONS.defaultLanguage }],
      ['UserCreated', 4, { identifier: 'zoë', email: 'zoe@x.com', language: DEFAULT_IMPORT_OPTIONS.defaultLanguage }],
    ]);
    expect(ref.size).toBe(Buffer.byteLength(`${lines.join('\n')}\n`));
  });

  it('fails, naming the row, when the records blob has no record for a created row, and leaves no temp file on abort', async () => {
    const thread = await threadFor([{ row: 2, profile: { identifier: 'ada' } }, { row: 4, profile: { identifier: 'lin' } }]);
    await expect(thread.lines([{ row: 3, managerUnknown: false }])).rejects.toThrow('the records blob has no row 3');
    await expect(thread.commit()).rejects.toThrow('the records blob has no row 3');
    await thread.abort();
    expect(tempFiles()).toEqual([]);
  });

  it("hands out its records' outlines a batch at a time and builds created users' lines from the whole records", async () => {
    const roles: UserRecord = { row: 3, profile: { identifier: 'roles' }, securityRoles: ['Auditor'] };
    const thread = await threadFor(
      [
        { row: 2, profile: { identifier: 'ada', email: 'ada@x.com', firstName: 'Ada', managerEmail: 'boss@x.com' }, status: 'Inactive' },
        roles,
        { row: 4, profile: { identifier: 'lin', username: 'lin', title: 'Engineer' } },
      ],
      2,
    );
    const batches: UserRecord[][] = [];
    for await (const batch of thread.outlinedRecords()) {
      batches.push(batch);
      // Lines are asked for as the planner decides each batch, from what the thread kept.
      const created = batch.filter((record) => !record.securityRoles).map((record) => ({ row: record.row, managerUnknown: false }));
      await thread.lines(created);
    }
    expect(batches).toEqual([
      [{ row: 2, profile: { identifier: 'ada', email: 'ada@x.com', managerEmail: 'boss@x.com' } }, roles],
      [{ row: 4, profile: { identifier: 'lin', username: 'lin' } }],
    ]);
    const ref = await thread.commit();
    const created = readFileSync(blobs.path(ref.sha256), 'utf8').split('\n').slice(0, -1).map((line) => JSON.parse(line).appends[0].events[0].data);
    expect(created.map((data) => [data.row, data.status, data.profile.firstName ?? data.profile.title])).toEqual([
      [2, 'Inactive', 'Ada'],
      [4, 'Active', 'Engineer'],
    ]);
  });

  it('fails when a line is asked for a record it has not outlined yet', async () => {
    const records = ['ada', 'lin', 'zoë'].map((identifier, i) => ({ row: i + 2, profile: { identifier } }));
    const thread = await threadFor(records, 1);
    const batches = thread.outlinedRecords(1);
    await batches.next(); // row 2, and row 3 asked for ahead
    await expect(thread.lines([{ row: 4, managerUnknown: false }])).rejects.toThrow("row 4's line was asked for before its record's outline was sent");
    await thread.abort();
    expect(tempFiles()).toEqual([]);
  });

  it('discards what it wrote on abort', async () => {
    const thread = await threadFor([{ row: 2, profile: { identifier: 'ada' } }]);
    await thread.lines([{ row: 2, managerUnknown: false }]);
    await thread.abort();
    expect(tempFiles()).toEqual([]);
  });
});
