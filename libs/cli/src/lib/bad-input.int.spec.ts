import { EtlHarness } from './testing/etl-harness';

/** Bad and unusual input files, end to end: a bad cell never costs a real user their account. */
describe('bad and unusual input (CLI)', () => {
  let h: EtlHarness;
  beforeEach(() => (h = new EtlHarness()));
  afterEach(() => h.dispose());

  async function statuses(): Promise<string[]> {
    return (await h.users()).map((u) => `${u.email}:${u.status}`);
  }

  const everyone = 'email,first name\nbob@example.com,Bob\nann@example.com,Ann\ncy@example.com,Cy\n';

  it('holds the disables for approval when a key cell is not a valid e-mail, naming the rows', async () => {
    await h.importJson(h.file('all.csv', everyone));
    const file = h.file('bad-keys.csv', 'email,first name\nbob@example.com.,Bob\nann@example.com,Ann\n<cy@example.com>,Cy\n');
    const { code, summary } = await h.importJson(file, '--disable-missing');
    expect(code).toBe(1);
    expect(summary).toMatchObject({ status: 'awaiting-approval', counts: { rejected: 2, disabled: 2 } });
    expect(summary.reasons).toEqual([
      // Rows without a valid key name nobody: the file names one user of the last import's three.
      "the file names 1 distinct user in its 3 rows (rows with a valid key, each key counted once), fewer than 50 % of the 3 distinct users of this source's last completed import",
      '2 rows were rejected without a valid key (rows 2, 4): the users they name cannot be told apart from missing ones, and the import would disable 2 users',
    ]);
    expect(await statuses()).toEqual(['ann@example.com:Active', 'bob@example.com:Active', 'cy@example.com:Active']);
    // The report still shows what the key cells held.
    const rejected = (await h.report(summary.importId)).filter((row) => row.outcome === 'rejected');
    expect(rejected.map((row) => [row.row, row.identifier])).toEqual([['2', 'bob@example.com.'], ['4', '<cy@example.com>']]);
  });

  it('holds the disables when an XML key element is not a valid e-mail', async () => {
    await h.importJson(h.file('all.csv', everyone));
    const xml = '<Users><User><EmailId>bob@example.com.</EmailId></User><User><EmailId>ann@example.com</EmailId></User><User><EmailId>cy@example.com</EmailId></User></Users>';
    const { summary } = await h.importJson(h.file('bad-key.xml', xml), '--disable-missing');
    expect(summary).toMatchObject({ status: 'awaiting-approval', counts: { rejected: 1, disabled: 1 } });
    expect(summary.reasons).toEqual([expect.stringMatching(/^1 row was rejected without a valid key \(row 1\)/)]);
    expect(await statuses()).toEqual(['ann@example.com:Active', 'bob@example.com:Active', 'cy@example.com:Active']);
  });

  it('creates no look-alike user for a key with an invisible character or in decomposed form', async () => {
    await h.importJson(h.file('all.csv', 'email,first name\nbob@example.com,Bob\nj\u00f6rg@example.com,J\u00f6rg\n'));
    const file = h.file('look-alikes.csv', 'email,first name\nbob@example.com\u200b,Bob\njo\u0308rg@example.com,Jo\u0308rg\n');
    const { code, summary } = await h.importJson(file, '--disable-missing');
    // Bob's row is rejected for its key, so disabling him waits for approval; jörg's row is his own.
    expect(code).toBe(1);
    expect(summary).toMatchObject({ status: 'awaiting-approval', counts: { created: 0, skipped: 1, rejected: 1, disabled: 1 } });
    const users = await h.users();
    expect(users.map((u) => `${u.email}:${u.username}:${u.status}`)).toEqual(['bob@example.com:bob:Active', 'j\u00f6rg@example.com:j\u00f6rg:Active']);
  });

  it('refuses a UTF-16 file without a byte-order mark, naming its likely encoding, and changes nothing', async () => {
    await h.importJson(h.file('all.csv', everyone));
    const before = (await h.events()).length;
    const file = h.file('unicode.csv', Buffer.from('email,first name\nbob@example.com,Bob\n', 'utf16le'));
    const { code, summary } = await h.importJson(file, '--disable-missing');
    expect(code).toBe(1);
    expect(summary).toMatchObject({ status: 'failed', failure: { stage: 'transformation' } });
    expect(summary.failure.reason).toBe(
      "unicode.csv was rejected: the file looks like UTF-16 (little-endian) without a byte-order mark: " +
        'save it as UTF-8, or as UTF-16 with its byte-order mark, or give its encoding (utf-16le)',
    );
    expect((await h.events()).length).toBe(before);
    expect(await statuses()).toEqual(['ann@example.com:Active', 'bob@example.com:Active', 'cy@example.com:Active']);
  });

  it('reads a UTF-8 file with one stray windows-1252 byte as UTF-8: no mojibake user, only that row rejected', async () => {
    await h.importJson(h.file('all.csv', 'email,first name\njos\u00e9@example.com,Jos\u00e9\nbob@example.com,Bob\n'));
    const mixed = Buffer.from('email,first name\njos\xc3\xa9@example.com,Jos\xc3\xa9\nbob@example.com,B\xf6b\n', 'latin1');
    const { code, summary } = await h.importJson(h.file('mixed.csv', mixed), '--disable-missing');
    expect(code).toBe(0);
    expect(summary).toMatchObject({ status: 'completed', counts: { created: 0, updated: 0, skipped: 1, rejected: 1, disabled: 0 } });
    const rejected = (await h.report(summary.importId)).filter((row) => row.outcome === 'rejected');
    expect(rejected).toEqual([expect.objectContaining({ row: '3', reasons: expect.stringMatching(/^firstName: firstName "B\ufffdb" holds bytes that are not valid text/) })]);
    expect((await h.users()).map((u) => `${u.email}:${u.firstName}:${u.status}`)).toEqual(['bob@example.com:Bob:Active', 'jos\u00e9@example.com:Jos\u00e9:Active']);
  });

  it('escapes the control characters of a file in everything it prints for a person', async () => {
    const file = h.file('evil.csv', 'UserIdentifier,UPN,EmailId,\u001b]0;pwned\u0007Note\n\u001b[2J\u001b[31mevil,u1,bad,x\nok,u2,ok@x.com,\u009b2Jy\n');
    const imported = await h.etl('import', file);
    const users = await h.etl('users');
    const importId = /Import (\S+) of/.exec(imported.stdout)?.[1] ?? '';
    const report = await h.etl('report', importId);
    for (const printed of [imported.stdout, imported.stderr, users.stdout, users.stderr, report.stdout]) {
      expect(printed).not.toMatch(/[^\P{Cc}\n]/u); // no control character but line breaks
    }
    expect(imported.stdout).toContain('\\u001b[2J\\u001b[31mevil');
    expect(imported.stdout).toContain('\\u001b]0;pwned\\u0007Note');
    expect(report.stdout).toContain('\\u001b[2J\\u001b[31mevil');
  });
});
