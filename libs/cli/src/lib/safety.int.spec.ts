import Database from 'better-sqlite3';
import { createEventStore } from '@dirsync/event-store';
import { DeleteUserService } from '@dirsync/loading';
import { EtlHarness } from './testing/etl-harness';

/** Safe imports: guards stop mass disables for approval; approve applies, reject discards; both are recorded. */
describe('import guards and approval (CLI)', () => {
  let h: EtlHarness;
  beforeEach(() => {
    h = new EtlHarness();
    process.env.ETL_GUARD_MAX_DISABLES = '2';
  });
  afterEach(() => {
    delete process.env.ETL_GUARD_MAX_DISABLES;
    h.dispose();
  });

  const people = (...ids: string[]) => `UserIdentifier,UPN,EmailId\n${ids.map((id) => `${id},${id},${id}@x.com`).join('\n')}\n`;

  async function statuses(): Promise<string[]> {
    return (await h.users()).map((u) => `${u.identifier}:${u.status}`);
  }

  it('stops an import that would disable more users than allowed, with nothing applied', async () => {
    await h.importJson(h.file('all.csv', people('a', 'b', 'c', 'd', 'e')));
    const before = (await h.events()).length;
    const { code, summary } = await h.importJson(h.file('three.csv', people('a', 'f', 'g')), '--disable-missing');
    expect(code).toBe(1);
    expect(summary).toMatchObject({ status: 'awaiting-approval', counts: { created: 2, disabled: 4 }, reasons: ['the import would disable 4 users, more than 2'] });
    expect((await h.events()).length).toBe(before);
    expect(await statuses()).toEqual(['a:Active', 'b:Active', 'c:Active', 'd:Active', 'e:Active']);
    // What the held plan would create is there to review before any user event exists.
    const report = JSON.parse((await h.etl('report', summary.importId, '--json')).stdout);
    const created = report.rows.filter((r: { outcome: string }) => r.outcome === 'created');
    expect(created.map((r: { changes: unknown }) => r.changes)).toEqual([
      expect.objectContaining({ identifier: { to: 'f' }, upn: { to: 'f' }, email: { to: 'f@x.com' }, status: { to: 'Active' } }),
      expect.objectContaining({ identifier: { to: 'g' }, upn: { to: 'g' }, email: { to: 'g@x.com' }, status: { to: 'Active' } }),
    ]);
  });

  it('applies the plan once approved, recording who approved it', async () => {
    await h.importJson(h.file('all.csv', people('a', 'b', 'c', 'd', 'e')));
    const { summary } = await h.importJson(h.file('one.csv', people('a')), '--disable-missing');
    const approved = await h.etl('approve', summary.importId, '--json');
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ status: 'completed', counts: { disabled: 4, skipped: 1 } });
    expect(await statuses()).toEqual(['a:Active', 'b:Inactive', 'c:Inactive', 'd:Inactive', 'e:Inactive']);
    const report = JSON.parse((await h.etl('report', summary.importId, '--json')).stdout);
    expect(report.decision).toMatchObject({ approvedBy: expect.stringMatching(/^cli:/), approvedAt: expect.any(String) });
  });

  it('discards the plan when rejected, recording who and why', async () => {
    await h.importJson(h.file('all.csv', people('a', 'b', 'c', 'd', 'e')));
    const { summary } = await h.importJson(h.file('one.csv', people('a')), '--disable-missing');
    const rejected = await h.etl('reject', summary.importId, '--reason', 'truncated export');
    expect(rejected.code).toBe(0);
    expect(await statuses()).toEqual(['a:Active', 'b:Active', 'c:Active', 'd:Active', 'e:Active']);
    const report = JSON.parse((await h.etl('report', summary.importId, '--json')).stdout);
    expect(report).toMatchObject({ status: 'rejected', decision: { rejectedBy: expect.stringMatching(/^cli:/), reason: 'truncated export' } });
    expect((await h.etl('approve', summary.importId)).code).toBe(2); // no longer awaiting
  });

  it('stops a file with fewer than half the rows of the last import when it disables missing users', async () => {
    process.env.ETL_GUARD_MAX_DISABLES = '500';
    await h.importJson(h.file('all.csv', people('a', 'b', 'c', 'd', 'e')));
    const { summary } = await h.importJson(h.file('two.csv', people('a', 'b')), '--disable-missing');
    expect(summary.status).toBe('awaiting-approval');
    expect(summary.reasons).toEqual([
      "the file names 2 distinct users in its 2 rows (rows with a valid key, each key counted once), fewer than 50 % of the 5 distinct users of this source's last completed import",
    ]);
    const plain = await h.importJson(h.file('two-again.csv', people('a', 'b')));
    expect(plain.summary.status).toBe('completed'); // without --disable-missing a short file disables nobody
  });

  it('measures a short file against the last import that disabled missing users, not a small file imported since', async () => {
    process.env.ETL_GUARD_MAX_DISABLES = '500';
    const everyone = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    await h.importJson(h.file('full.csv', people(...everyone)), '--disable-missing');
    // New hires, on their own and without --disable-missing.
    expect((await h.importJson(h.file('hires.csv', people('i')))).summary.status).toBe('completed');
    const { summary } = await h.importJson(h.file('truncated.csv', people('a', 'b', 'c')), '--disable-missing');
    expect(summary.status).toBe('awaiting-approval');
    expect(summary.reasons).toEqual([
      "the file names 3 distinct users in its 3 rows (rows with a valid key, each key counted once), fewer than 50 % of the 8 distinct users of this source's last completed import that disabled missing users",
    ]);
    expect((await statuses()).filter((status) => status.endsWith(':Inactive'))).toEqual([]);
  });

  it('stops a truncated file padded with copies of its rows: it is measured by the users it names', async () => {
    process.env.ETL_GUARD_MAX_DISABLES = '500';
    const everyone = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    // Given a full export that disabled missing users
    await h.importJson(h.file('full.csv', people(...everyone)), '--disable-missing');
    // When a truncated export of 2 users, padded to 10 rows by repeating them, disables missing users
    const padded = people('a', 'b', 'a', 'b', 'a', 'b', 'a', 'b', 'a', 'b');
    const { code, summary } = await h.importJson(h.file('padded.csv', padded), '--disable-missing');
    // Then it waits for approval, saying what was counted, and nobody is disabled
    expect(code).toBe(1);
    expect(summary).toMatchObject({ status: 'awaiting-approval', counts: { rejected: 8, disabled: 6 } });
    expect(summary.reasons).toEqual([
      "the file names 2 distinct users in its 10 rows (rows with a valid key, each key counted once), fewer than 50 % of the 8 distinct users of this source's last completed import that disabled missing users",
    ]);
    expect((await statuses()).filter((status) => status.endsWith(':Inactive'))).toEqual([]);
  });

  it('lets a full file with some duplicate rows through', async () => {
    process.env.ETL_GUARD_MAX_DISABLES = '500';
    await h.importJson(h.file('full.csv', people('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h')), '--disable-missing');
    // Given the next export names 7 of the 8 users, 3 of its rows repeating earlier ones
    const { code, summary } = await h.importJson(h.file('next.csv', people('a', 'b', 'c', 'd', 'e', 'f', 'g', 'a', 'b', 'c')), '--disable-missing');
    // Then it is applied: the duplicates are rejected on their own and only h is disabled
    expect(code).toBe(0);
    expect(summary).toMatchObject({ status: 'completed', counts: { rejected: 3, disabled: 1 } });
    expect((await statuses()).filter((status) => status.endsWith(':Inactive'))).toEqual(['h:Inactive']);
  });

  it('measures against the rows of a last import recorded before users were counted', async () => {
    process.env.ETL_GUARD_MAX_DISABLES = '500';
    // Given a last import whose plan, as an earlier version recorded it, does not count users: 8 rows, 4 of them repeats
    await h.importJson(h.file('full.csv', people('a', 'b', 'c', 'd', 'a', 'b', 'c', 'd')), '--disable-missing');
    forgetNamedUsers(`${h.dataDir}/events.sqlite`);
    // When a file names 3 users, then it is measured against those 8 rows
    const { summary } = await h.importJson(h.file('short.csv', people('a', 'b', 'c')), '--disable-missing');
    expect(summary.reasons).toEqual([
      "the file names 3 distinct users in its 3 rows (rows with a valid key, each key counted once), fewer than 50 % of the 8 rows of this source's last completed import that disabled missing users (recorded before distinct users were counted)",
    ]);
  });

  it('holds disables for approval when a row was rejected before its key could be read, and keeps users whose row was rejected with its key', async () => {
    process.env.ETL_GUARD_MAX_DISABLES = '500';
    await h.importJson(h.file('all.csv', people('a', 'b', 'c', 'd', 'e')));
    // e's row has an unquoted comma too many: rejected on its own, with no key to say whom it names.
    const unkeyed = `${people('a', 'b', 'c')}d,d,not-an-email\ne,e,e@x.com,EMEA\n`;
    const { code, summary } = await h.importJson(h.file('bad-row.csv', unkeyed), '--disable-missing');
    expect(code).toBe(1);
    expect(summary).toMatchObject({ status: 'awaiting-approval', counts: { rejected: 2, disabled: 1 } });
    expect(summary.reasons).toEqual([
      '1 row was rejected without a valid key (row 6): the users they name cannot be told apart from missing ones, and the import would disable 1 user',
    ]);
    expect(await statuses()).toEqual(['a:Active', 'b:Active', 'c:Active', 'd:Active', 'e:Active']);
    // Without the unkeyed row, d's rejection (its key was read) keeps d, and nothing needs approval.
    const keyed = await h.importJson(h.file('keyed.csv', `${people('a', 'b', 'c')}d,d,not-an-email\ne,e,e@x.com\n`), '--disable-missing');
    expect(keyed.summary).toMatchObject({ status: 'completed', counts: { rejected: 1, disabled: 0 } });
    expect(await statuses()).toEqual(['a:Active', 'b:Active', 'c:Active', 'd:Active', 'e:Active']);
  });

  it('re-plans on approval when the directory changed since the plan', async () => {
    await h.importJson(h.file('all.csv', people('a', 'b', 'c', 'd', 'e')));
    const { summary } = await h.importJson(h.file('one.csv', people('a', 'f')), '--disable-missing');
    expect(summary.counts).toMatchObject({ created: 1, disabled: 4 });
    const store = createEventStore({ kind: 'sqlite', file: `${h.dataDir}/events.sqlite` });
    const b = (await h.users()).find((u) => u.identifier === 'b');
    await new DeleteUserService(store).delete(b.id, 'admin');
    await store.close();
    // Another import moves a's address: the new plan gives it back, in a line before f's.
    await h.importJson(h.file('moved.csv', 'UserIdentifier,UPN,EmailId\na,a,a.moved@x.com\n'));
    const approved = JSON.parse((await h.etl('approve', summary.importId, '--json')).stdout);
    expect(approved).toMatchObject({ status: 'completed', counts: { disabled: 3, updated: 1, created: 1 } }); // b is deleted now, not disabled
    const report = JSON.parse((await h.etl('report', summary.importId, '--json')).stdout);
    expect(report.rows.filter((r: { outcome: string }) => r.outcome === 'disabled')).toHaveLength(3);
    // f's line moved in the second plan: its fields are read there, not at its place in the first.
    expect(report.rows.find((r: { key: string }) => r.key === 'f')).toMatchObject({ outcome: 'created', changes: { identifier: { to: 'f' } } });
  });

  it('never guards a dry run: the plan is stored and nothing applied', async () => {
    await h.importJson(h.file('all.csv', people('a', 'b', 'c', 'd', 'e')));
    const before = (await h.events()).length;
    const { code, summary } = await h.importJson(h.file('one.csv', people('a')), '--disable-missing', '--dry-run');
    expect(code).toBe(0);
    expect(summary).toMatchObject({ status: 'completed', counts: { disabled: 4 } });
    expect((await h.events()).length).toBe(before);
  });
});

/** Makes the log's plans look as an earlier version recorded them: without the users their file named. */
function forgetNamedUsers(eventsFile: string): void {
  const db = new Database(eventsFile);
  try {
    db.prepare(`UPDATE events SET data = json_remove(data, '$.namedUsers') WHERE type = 'ImportPlanned'`).run();
  } finally {
    db.close();
  }
}
