import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lockExclusively } from '@dirsync/event-store/sqlite';
import { rebuildLockFile } from '@dirsync/projections';
import { EtlHarness, samplePath } from './testing/etl-harness';

/** Every import explainable: dry-run plans, replay that equals the live state, the directory as of any import. */
describe('audit (CLI)', () => {
  let h: EtlHarness;
  beforeEach(() => (h = new EtlHarness()));
  afterEach(() => h.dispose());
  const sample = readFileSync(samplePath('users.csv'), 'utf8');

  it('stores a dry run plan, per user and field, before and after, and writes no user event', async () => {
    await h.importJson(samplePath('users.csv'));
    const before = (await h.events()).length;
    const newcomer = 'new.person@example.com,new.person@example.com,new.person@example.com,New,Person,newp,Tester,QA,Active,en,,,,\n';
    const file = h.file('c.csv', sample.replace('Compiler Lead', 'Admiral').replace(',Inactive,', ',Active,') + newcomer);
    const { summary } = await h.importJson(file, '--dry-run');
    expect(summary).toMatchObject({ status: 'completed', counts: { created: 1, updated: 1, reactivated: 1, skipped: 5 } });
    expect((await h.events()).length).toBe(before);
    const report = JSON.parse((await h.etl('report', summary.importId, '--json')).stdout);
    expect(report.dryRun).toBe(true);
    const changed = report.rows.filter((r: { changes: unknown }) => r.changes);
    expect(changed.map((r: { key: string; changes: unknown }) => [r.key, r.changes])).toEqual([
      ['grace.hopper@example.com', { title: { from: 'Compiler Lead', to: 'Admiral' } }],
      ['marie.curie@example.com', { status: { from: 'Inactive', to: 'Active' } }],
      [
        'new.person@example.com',
        {
          identifier: { to: 'new.person@example.com' },
          upn: { to: 'new.person@example.com' },
          email: { to: 'new.person@example.com' },
          username: { to: 'newp' },
          firstName: { to: 'New' },
          lastName: { to: 'Person' },
          title: { to: 'Tester' },
          department: { to: 'QA' },
          language: { to: 'en' },
          status: { to: 'Active' },
          securityRoles: { to: [] },
          genericProperties: { to: {} },
        },
      ],
    ]);
    expect((await h.user('grace.hopper@example.com')).title).toBe('Compiler Lead');
    expect(await h.user('new.person@example.com')).toBeUndefined();
  });

  it('replays the whole log to read models equal to the live ones, checksum for checksum', async () => {
    await h.importJson(samplePath('users.csv'));
    await h.importJson(samplePath('users.xml'));
    await h.importJson(h.file('bad.csv', 'UserIdentifier,UPN,EmailId\nx,x,not-an-email\n'));
    const { code, stdout } = await h.etl('replay', '--json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.identical).toBe(true);
    expect(report.events).toBeGreaterThan(20);
    expect(report.after).toEqual(report.before);
    expect(report.after.directory.rows).toBe(7);
    expect(report.after.imports.rows).toBe(3);
    expect(report.after.catalog.rows).toBe(3);
  });

  it('refuses to replay while another process rebuilds the same read models, and changes nothing', async () => {
    await h.importJson(samplePath('users.csv'));
    const listed = async () => (await h.etl('users', '--json')).stdout;
    const before = await listed();
    expect(JSON.parse(before)).toHaveLength(7);
    const readModels = join(h.dataDir, 'readmodels.sqlite');
    const other = lockExclusively(rebuildLockFile(readModels)); // what a running `etl replay` holds
    try {
      const { code, stdout, stderr } = await h.etl('replay', '--json');
      expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
      expect(stderr).toContain(`etl: another rebuild of ${readModels} is running`);
    } finally {
      other?.();
    }
    expect(await listed()).toBe(before);
    expect(JSON.parse((await h.etl('replay', '--json')).stdout).identical).toBe(true);
  });

  it('shows the directory exactly as it stood when an earlier import completed', async () => {
    const first = await h.importJson(samplePath('users.csv'));
    const asItStood = (await h.etl('users', '--json')).stdout;
    await h.importJson(h.file('c.csv', sample.replace('Compiler Lead', 'Admiral')));
    await h.importJson(h.file('d.csv', 'UserIdentifier,UPN\nnew.person@example.com,new.person@example.com\n'));
    expect((await h.etl('users', '--json')).stdout).not.toBe(asItStood);
    expect((await h.etl('users', '--json', '--as-of', first.summary.importId)).stdout).toBe(asItStood);
    expect((await h.etl('users', '--as-of', 'no-such-import')).code).toBe(2);
  });
});

describe('revert (CLI)', () => {
  let h: EtlHarness;
  beforeEach(() => (h = new EtlHarness()));
  afterEach(() => h.dispose());

  it('restores what an import changed, disables what it created, and leaves later changes alone as conflicts', async () => {
    await h.importJson(h.file('a.csv', 'UserIdentifier,UPN,Title,Department\nada,ada,Engineer,R&D\nbob,bob,Analyst,Sales\n'));
    const second = await h.importJson(h.file('b.csv', 'UserIdentifier,UPN,Title,Department\nada,ada,Lead,Ops\nbob,bob,Analyst,Sales\ncy,cy,Intern,R&D\n'));
    await h.importJson(h.file('c.csv', 'UserIdentifier,UPN,Title\nada,ada,CTO\n'));

    const reverted = await h.etl('revert', second.summary.importId, '--json');
    expect(reverted.code).toBe(0);
    const summary = JSON.parse(reverted.stdout);
    expect(summary).toMatchObject({ status: 'completed', counts: { updated: 1, disabled: 1 } });

    expect(await h.user('ada')).toMatchObject({ title: 'CTO', department: 'R&D' }); // title was changed later: kept
    expect(await h.user('cy')).toMatchObject({ status: 'Inactive' }); // created by the reverted import
    expect(await h.user('bob')).toMatchObject({ title: 'Analyst', status: 'Active' }); // untouched by it

    const report = await h.report(summary.importId);
    expect(report.find((r) => r.identifier === 'ada')?.warnings).toBe('title was changed after the import; left as it is');
    const original = JSON.parse((await h.etl('report', second.summary.importId, '--json')).stdout);
    expect(original.reverted).toMatchObject({ revertId: summary.importId, by: expect.stringMatching(/^cli:/) });
    expect((await h.etl('revert', second.summary.importId)).code).toBe(2); // at most once

    const replay = JSON.parse((await h.etl('replay', '--json')).stdout);
    expect(replay.identical).toBe(true);
  });

  it('reports every user of a revert larger than one batch once, in the order the import touched them', async () => {
    const count = 2_500; // the revert stores and reports its rows 2,000 at a time
    const ids = Array.from({ length: count }, (_, i) => `user${String(i).padStart(4, '0')}`);
    const file = h.file('many.csv', `UserIdentifier,UPN\n${ids.map((id) => `${id},${id}`).join('\n')}\n`);
    const imported = await h.importJson(file);
    expect(imported.summary.counts.created).toBe(count);

    const reverted = await h.etl('revert', imported.summary.importId, '--json');
    expect(reverted.code).toBe(0);
    const summary = JSON.parse(reverted.stdout);
    expect(summary).toMatchObject({ status: 'completed', counts: { disabled: count } });
    const report = await h.report(summary.importId);
    expect(report.map((r) => r.identifier)).toEqual(ids);
    expect((await h.user(ids[count - 1])).status).toBe('Inactive');
    expect(JSON.parse((await h.etl('replay', '--json')).stdout).identical).toBe(true);
  });

  it('summarizes a revert for people by its counts (a revert has no file, so no rows or encoding)', async () => {
    const imported = await h.importJson(h.file('a.csv', 'UserIdentifier,UPN\nada,ada\nbob,bob\n'));
    const reverted = await h.etl('revert', imported.summary.importId);
    expect(reverted.code).toBe(0);
    expect(reverted.stdout).toMatch(/: completed\n {2}created 0, updated 0, skipped 0, disabled 2, reactivated 0, rejected 0\n/);
    expect(reverted.stdout).not.toMatch(/null/);
  });

  it('refuses to revert a dry run', async () => {
    const dry = await h.importJson(h.file('a.csv', 'UserIdentifier,UPN\nada,ada\n'), '--dry-run');
    const refused = await h.etl('revert', dry.summary.importId);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/dry run/);
  });
});

describe('tokens (CLI)', () => {
  let h: EtlHarness;
  beforeEach(() => (h = new EtlHarness()));
  afterEach(() => h.dispose());

  it('prints a new token and nothing else, and keeps only its hash', async () => {
    const created = await h.etl('tokens', 'create', '--role', 'viewer', '--label', 'dashboard');
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(created.stdout).toMatch(/^dsk_[A-Za-z0-9_-]{43}\n$/);
    const stored = await h.events('tokens');
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored[0].data)).not.toContain(token);
    expect(stored[0].data).toMatchObject({ role: 'viewer', label: 'dashboard' });
    expect((await h.etl('tokens', 'create', '--role', 'root')).code).toBe(2);
    expect((await h.etl('tokens', 'create')).code).toBe(2);
  });

  it('lists tokens without their secrets and revokes one', async () => {
    const token = (await h.etl('tokens', 'create', '--role', 'admin', '--label', 'ops')).stdout.trim();
    const listed = await h.etl('tokens', 'list', '--json');
    expect(listed.code).toBe(0);
    const [entry] = JSON.parse(listed.stdout);
    expect(entry).toEqual({ tokenId: expect.any(String), role: 'admin', label: 'ops', createdAt: expect.any(String), revokedAt: null });
    expect(listed.stdout).not.toContain(token);
    expect((await h.etl('tokens', 'revoke', entry.tokenId)).code).toBe(0);
    expect(JSON.parse((await h.etl('tokens', 'list', '--json')).stdout)[0].revokedAt).toEqual(expect.any(String));
    expect((await h.etl('tokens', 'revoke', 'nope')).code).toBe(1);
    expect((await h.events('tokens')).map((e) => e.type)).toEqual(['TokenCreated', 'TokenRevoked']);
  });
});
