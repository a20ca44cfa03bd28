import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { EtlHarness, repoRoot, samplePath } from './testing/etl-harness';

const sample = samplePath('users.csv');

describe('etl CLI on the embedded store', () => {
  let h: EtlHarness;
  beforeEach(() => (h = new EtlHarness()));
  afterEach(() => h.dispose());
  const etl = (...argv: string[]) => h.etl(...argv);
  const importJson = (file: string, ...flags: string[]) => h.importJson(file, ...flags);
  const countUserEvents = async () => (await h.events()).length;

  it('imports the sample: every row created, the directory lists them', async () => {
    const { code, summary } = await importJson(sample);
    expect(code).toBe(0);
    expect(summary).toEqual({
      importId: expect.any(String),
      status: 'completed',
      counts: { created: 7, updated: 0, skipped: 0, disabled: 0, reactivated: 0, rejected: 0 },
      rows: 7,
      encoding: 'utf-8',
      warnings: [],
    });
    const users = JSON.parse((await etl('users', '--json')).stdout);
    expect(users).toHaveLength(7);
    const alan = users.find((u: { identifier: string }) => u.identifier === 'alan.turing@example.com');
    expect(alan).toMatchObject({
      upn: 'alan.turing@example.com',
      email: 'alan.turing@example.com',
      username: 'alan.turing',
      firstName: 'Alan',
      lastName: 'Turing',
      title: 'Researcher',
      department: 'Research',
      language: 'en-GB',
      status: 'Active',
      id: expect.any(String),
    });
    const katherine = users.find((u: { identifier: string }) => u.identifier === 'katherine.johnson@example.com');
    expect(katherine.language).toBe('en'); // blank language: the default
  });

  it('gives the file\'s warnings in the JSON summary, as the plain summary prints them', async () => {
    // Given a windows-1252 file with a column nothing matches and a blank row
    const file = h.file('warned.csv', Buffer.from('UserIdentifier,UPN,EmailId,Shoe size\na,a,a@x.com,42\n,,,\nb,b,b@x.com,39\n\xe9,\xe9,c@x.com,40\n', 'latin1'));
    // When it is imported with --json
    const { code, summary } = await importJson(file);
    // Then the JSON lists the same warnings the plain output prints
    expect(code).toBe(0);
    const warnings = ["column 'Shoe size' is not recognised and was ignored", '1 blank row was ignored'];
    expect(summary).toMatchObject({ status: 'completed', rows: 3, encoding: 'windows-1252', warnings });
    const plain = (await etl('import', file)).stdout;
    for (const warning of warnings) expect(plain).toContain(`warning: ${warning}`);
    expect(plain).toContain('  3 rows (windows-1252): created 0,');
  });

  it('counts a one-row file as 1 row in the plain summary', async () => {
    const one = h.file('one.csv', 'UserIdentifier,UPN,EmailId\nsolo,solo,solo@x.com\n');
    expect((await etl('import', one)).stdout).toContain('  1 row (utf-8): created 1,');
  });

  it('skips every row of a file imported again and appends no user event', async () => {
    await importJson(sample);
    const before = await countUserEvents();
    const { summary } = await importJson(sample);
    expect(summary.counts).toEqual({ created: 0, updated: 0, skipped: 7, disabled: 0, reactivated: 0, rejected: 0 });
    expect(await countUserEvents()).toBe(before);
  });

  it('updates exactly the user whose cell changed, and its history shows from and to', async () => {
    await importJson(sample);
    const changed = h.file('changed.csv', readFileSync(sample, 'utf8').replace('Compiler Lead', 'Rear Admiral'));
    const before = await countUserEvents();
    const { summary } = await importJson(changed);
    expect(summary.counts).toMatchObject({ created: 0, updated: 1, skipped: 6 });
    expect(await countUserEvents()).toBe(before + 1);

    const users = JSON.parse((await etl('users', '--json')).stdout);
    const grace = users.find((u: { identifier: string }) => u.identifier === 'grace.hopper@example.com');
    expect(grace.title).toBe('Rear Admiral');
    const history = (await h.events(`user-${grace.id}`)).filter((e) => e.streamId === `user-${grace.id}`);
    expect(history.map((e) => e.type)).toEqual(['UserCreated', 'UserUpdated']);
    expect(history[1].data).toMatchObject({ changes: { title: { from: 'Compiler Lead', to: 'Rear Admiral' } }, importId: summary.importId, row: 3 });
  });

  it('rejects a row with a bad e-mail, with its row number and reason, and loads the others', async () => {
    const file = h.file('bad-email.csv', readFileSync(sample, 'utf8').replace('grace.hopper@example.com,Grace', 'grace.hopper@,Grace'));
    const { code, summary } = await importJson(file);
    expect(code).toBe(0);
    expect(summary.counts).toMatchObject({ created: 6, rejected: 1 });

    const csv = (await etl('report', summary.importId, '--csv')).stdout.trim().split('\n');
    expect(csv[0]).toBe('row,identifier,email,outcome,reasons,warnings,user_id');
    const rejected = csv.filter((line) => line.includes(',rejected,'));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatch(/^3,grace\.hopper@example\.com,grace\.hopper@,rejected,.*e-mail/);
  });

  it('fails a file without the key column, applying nothing (exit 1)', async () => {
    const file = h.file('no-key.csv', 'FirstName,LastName\nAda,Lovelace\n');
    const { code, summary } = await importJson(file, '--match-by', 'identifier');
    expect(code).toBe(1);
    expect(summary.status).toBe('failed');
    expect(summary.failure.reason).toMatch(/no-key\.csv/);
    expect(await countUserEvents()).toBe(0);
  });

  it('replay rebuilds the read models and leaves users --json byte-identical', async () => {
    await importJson(sample);
    const changed = h.file('changed.csv', readFileSync(sample, 'utf8').replace(',Inactive,', ',Active,'));
    await importJson(changed);
    const before = (await etl('users', '--json')).stdout;
    const replay = await etl('replay');
    expect(replay.code).toBe(0);
    expect(replay.stdout).toMatch(/Replayed \d+ events/);
    expect((await etl('users', '--json')).stdout).toBe(before);
  });

  it('answers usage errors with exit code 2', async () => {
    expect((await etl('import')).code).toBe(2);
    expect((await etl('import', join(h.workDir, 'missing.csv'))).code).toBe(2);
    expect((await etl('import', sample, '--match-by', 'shoe-size')).code).toBe(2);
    expect((await etl('no-such-command')).code).toBe(2);
  });

  it('as a real process, prints only the JSON summary on stdout', () => {
    const run = spawnSync(process.execPath, [join(repoRoot, 'tools/runtime/run.js'), join(repoRoot, 'apps/cli/src/main.ts'), 'import', sample, '--json'], {
      cwd: repoRoot,
      env: { ...process.env, ETL_DATA_DIR: h.dataDir },
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'completed', counts: { created: 7 } });
  });

  it('as a real process, stops quietly when the reader of its output goes away (etl users | head)', async () => {
    const ids = Array.from({ length: 3_000 }, (_, i) => `user${i}`);
    await importJson(h.file('many.csv', `UserIdentifier,UPN\n${ids.map((id) => `${id},${id}`).join('\n')}\n`));
    const etlCommand = [process.execPath, join(repoRoot, 'tools/runtime/run.js'), join(repoRoot, 'apps/cli/src/main.ts'), 'users']
      .map((part) => `'${part}'`)
      .join(' ');
    // `head` reads one line and exits; etl's later writes then meet a closed pipe.
    const run = spawnSync('bash', ['-c', `${etlCommand} | head -n 1; exit "\${PIPESTATUS[0]}"`], {
      cwd: repoRoot,
      env: { ...process.env, ETL_DATA_DIR: h.dataDir },
      encoding: 'utf8',
    });
    expect(run.stdout).toMatch(/^identifier +email/);
    expect(run.stderr).not.toMatch(/EPIPE|Error/);
    expect(run.status).toBe(0);
  });
});
