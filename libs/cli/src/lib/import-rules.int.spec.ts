import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { createEventStore } from '@dirsync/event-store';
import { DeleteUserService } from '@dirsync/loading';
import { EtlHarness, samplePath } from './testing/etl-harness';

/** Every import rule of the two seed products, shown through the CLI on real files. */
describe('import rules (CLI, real files)', () => {
  let h: EtlHarness;
  beforeEach(() => (h = new EtlHarness()));
  afterEach(() => h.dispose());

  const header = 'UserIdentifier,UPN,EmailId,FirstName,LastName,UserName,Status,Language,ManagerEmail';
  const csv = (...rows: string[]) => `${header}\n${rows.join('\n')}\n`;

  it('refuses an Infor file without UPN, naming the missing header, and applies nothing (exit 1)', async () => {
    const { code, summary } = await h.importJson(h.file('infor.csv', 'UserIdentifier,EmailId,FirstName\nada,ada@x.com,Ada\n'));
    expect(code).toBe(1);
    expect(summary.failure.reason).toMatch(/infor\.csv was rejected: row 1: .*requires UPN/);
    expect(await h.events()).toEqual([]);
  });

  it('rejects an e-mail already used by another user, and by an earlier row of the file, naming them', async () => {
    await h.importJson(h.file('first.csv', csv('ada,ada,ada@x.com,Ada,L,,,,')));
    const { summary } = await h.importJson(h.file('second.csv', csv('bob,bob,ADA@x.com,Bob,B,,,,', 'cy,cy,cy@x.com,Cy,C,,,,', 'dee,dee,cy@x.com,Dee,D,,,,')));
    expect(summary.counts).toMatchObject({ created: 1, rejected: 2 });
    const report = await h.report(summary.importId);
    expect(report.find((r) => r.identifier === 'bob')?.reasons).toBe('e-mail address is already used by user ada');
    expect(report.find((r) => r.identifier === 'dee')?.reasons).toBe('e-mail address is already used by row 3 of this file');
  });

  it('rejects the rows after the first that repeat a key', async () => {
    const { summary } = await h.importJson(h.file('dup.csv', csv('ada,ada,a1@x.com,Ada,L,,,,', 'ADA,ada,a2@x.com,Ada,L,,,,')));
    expect(summary.counts).toMatchObject({ created: 1, rejected: 1 });
    expect((await h.report(summary.importId))[1]).toMatchObject({ row: '3', outcome: 'rejected', reasons: 'the same key already appears at row 2' });
  });

  it('generates a username from the e-mail, with a numeric suffix when it is taken', async () => {
    await h.importJson(h.file('a.csv', csv('a1,a1,sam@x.com,Sam,A,,,,', 'a2,a2,sam@y.com,Sam,B,,,,', 'a3,a3,other@x.com,O,C,sam3,,,')));
    expect((await h.user('a1')).username).toBe('sam');
    expect((await h.user('a2')).username).toBe('sam2');
    const { summary } = await h.importJson(h.file('b.csv', csv('a4,a4,sam@z.com,Sam,D,,,,')));
    expect(summary.counts.created).toBe(1);
    expect((await h.user('a4')).username).toBe('sam4'); // sam, sam2 and sam3 are taken
  });

  it('never generates a username that a later row of the file gives', async () => {
    const { summary } = await h.importJson(h.file('a.csv', csv('a1,a1,sam@x.com,Sam,A,,,,', 'a2,a2,other@x.com,O,B,Sam,,,')));
    expect(summary.counts).toMatchObject({ created: 2, rejected: 0 });
    expect((await h.user('a1')).username).toBe('sam2');
    expect((await h.user('a2')).username).toBe('Sam');
  });

  it('gives created users the default language when the row has none, configurable per import', async () => {
    await h.importJson(h.file('a.csv', csv('a,a,a@x.com,A,A,,,,', 'b,b,b@x.com,B,B,,,de,')), '--default-language', 'es');
    expect((await h.user('a')).language).toBe('es');
    expect((await h.user('b')).language).toBe('de');
  });

  it('activates and deactivates users from the Status column', async () => {
    await h.importJson(h.file('a.csv', csv('a,a,a@x.com,A,A,,Active,,', 'b,b,b@x.com,B,B,,Inactive,,', 'c,c,c@x.com,C,C,,Draft,,')));
    expect((await h.users()).map((u) => u.status)).toEqual(['Active', 'Inactive', 'Draft']);
    const { summary } = await h.importJson(h.file('b.csv', csv('a,a,,,,,Inactive,,', 'b,b,,,,,Active,,')));
    expect(summary.counts).toMatchObject({ disabled: 1, reactivated: 1 });
    expect((await h.users()).map((u) => u.status)).toEqual(['Inactive', 'Active', 'Draft']);
  });

  it('takes a SMARTFENSE-style file: active yes/no, manager e-mail, semicolons', async () => {
    const { summary } = await h.importJson(samplePath('users-smartfense.csv'));
    expect(summary.counts).toMatchObject({ created: 4, rejected: 0 });
    const users = await h.users();
    expect(users.find((u) => u.email === 'margaret.hamilton@example.com')).toMatchObject({ status: 'Inactive', language: 'en', username: 'margaret.hamilton' });
    expect(users.find((u) => u.email === 'tim.berners-lee@example.com')).toMatchObject({ managerEmail: 'grace.hopper@example.com', language: 'en-GB' });
  });

  it('resolves a manager created later in the file, and does not save an unknown one (warning on the row)', async () => {
    const { summary } = await h.importJson(h.file('m.csv', csv('a,a,a@x.com,A,A,,,,boss@x.com', 'boss,boss,boss@x.com,B,B,,,,ghost@x.com')));
    expect(summary.counts).toMatchObject({ created: 2, rejected: 0 });
    expect((await h.user('a')).managerEmail).toBe('boss@x.com');
    expect((await h.user('boss')).managerEmail).toBeNull();
    const row = (await h.report(summary.importId)).find((r) => r.identifier === 'boss');
    expect(row?.warnings).toBe('manager "ghost@x.com" is not a user of the directory; it was not saved');
  });

  it('ignores security roles and generic properties unknown to the catalog in CSV, with a warning', async () => {
    const file = h.file('roles.csv', 'UserIdentifier,UPN,SecurityRole1,GenericProperty_Site\na,a,Auditor,Lyon\n');
    const { summary } = await h.importJson(file);
    expect(summary.counts.created).toBe(1);
    expect((await h.user('a'))).toMatchObject({ securityRoles: [], genericProperties: {} });
    expect((await h.report(summary.importId))[0].warnings).toMatch(/security role "Auditor" is not in the catalog.*generic property "Site" is not in the catalog/);
  });

  it('keeps the stored value where a cell is blank', async () => {
    await h.importJson(h.file('a.csv', csv('a,a,a@x.com,Ada,Lovelace,,,,')));
    const { summary } = await h.importJson(h.file('b.csv', csv('a,a,,,Byron,,,,')));
    expect(summary.counts).toMatchObject({ updated: 1 });
    expect(await h.user('a')).toMatchObject({ email: 'a@x.com', firstName: 'Ada', lastName: 'Byron' });
  });

  it('leaves existing users alone with --no-update-existing', async () => {
    await h.importJson(h.file('a.csv', csv('a,a,a@x.com,Ada,L,,,,')));
    const { summary } = await h.importJson(h.file('b.csv', csv('a,a,a@x.com,Augusta,L,,,,', 'b,b,b@x.com,B,B,,,,')), '--no-update-existing');
    expect(summary.counts).toMatchObject({ created: 1, updated: 0, skipped: 1 });
    expect((await h.user('a')).firstName).toBe('Ada');
    expect((await h.report(summary.importId))[0].reasons).toBe('user exists and "update existing" is off');
  });

  it('disables, never deletes, active users missing from the file with --disable-missing', async () => {
    await h.importJson(h.file('a.csv', csv('a,a,a@x.com,A,A,,,,', 'b,b,b@x.com,B,B,,,,', 'c,c,c@x.com,C,C,,,,')));
    const { summary } = await h.importJson(h.file('b.csv', csv('a,a,a@x.com,A,A,,,,', 'c,c,not-an-email,C,C,,,,')), '--disable-missing');
    expect(summary.counts).toMatchObject({ skipped: 1, disabled: 1, rejected: 1 });
    const users = await h.users();
    expect(users.map((u) => [u.identifier, u.status, u.deleted])).toEqual([
      ['a', 'Active', false],
      ['b', 'Inactive', false],
      ['c', 'Active', false], // its row was rejected, but it is in the file
    ]);
    const disabled = (await h.events()).filter((e) => e.type === 'UserDisabled');
    expect(disabled.map((e) => e.data)).toEqual([expect.objectContaining({ reason: 'missing-from-file', importId: summary.importId })]);
  });

  it('creates new users as Draft with --create-draft', async () => {
    await h.importJson(h.file('a.csv', csv('a,a,a@x.com,A,A,,Active,,')), '--create-draft');
    expect((await h.user('a')).status).toBe('Draft');
  });

  it('refuses --activate-deleted with --create-draft, and without update existing (exit 2, nothing stored)', async () => {
    const file = h.file('a.csv', csv('a,a,a@x.com,A,A,,,,'));
    const both = await h.etl('import', file, '--activate-deleted', '--create-draft');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/"activate deleted" cannot be combined with "create in draft"/);
    expect((await h.etl('import', file, '--activate-deleted', '--no-update-existing')).code).toBe(2);
    expect(await h.events('import-')).toEqual([]);
  });

  it('appends the domain to identifiers without one', async () => {
    await h.importJson(h.file('a.csv', 'UserIdentifier,UPN\njdoe,jdoe@corp.example\nmary@other.example,mary@other.example\n'), '--domain', 'corp.example');
    expect((await h.users()).map((u) => u.identifier)).toEqual(['jdoe@corp.example', 'mary@other.example']);
  });

  it('matches by e-mail or username when asked', async () => {
    await h.importJson(h.file('a.csv', csv('a,a,a@x.com,Ada,L,ada,,,')));
    const byEmail = await h.importJson(h.file('b.csv', 'email,title\nA@X.com,Countess\n'), '--match-by', 'email');
    expect(byEmail.summary.counts).toMatchObject({ updated: 1 });
    const byUsername = await h.importJson(h.file('c.csv', 'username,department\nada,Maths\n'), '--match-by', 'username');
    expect(byUsername.summary.counts).toMatchObject({ updated: 1 });
    expect(await h.user('a')).toMatchObject({ title: 'Countess', department: 'Maths' });
  });

  it('renames columns with a mapping file', async () => {
    const mapping = h.file('mapping.json', JSON.stringify({ 'Employee Number': 'identifier', 'Work Mail': 'email', Principal: 'upn' }));
    const { summary } = await h.importJson(h.file('a.csv', 'Employee Number,Principal,Work Mail\n42,42@x,ada@x.com\n'), '--mapping', mapping);
    expect(summary.counts.created).toBe(1);
    expect(await h.user('42')).toMatchObject({ email: 'ada@x.com', upn: '42@x' });
    expect((await h.etl('import', h.file('b.csv', 'x'), '--mapping', h.file('bad.json', '[1]'))).code).toBe(2);
    const emptyHeader = await h.etl('import', h.file('b.csv', 'x'), '--mapping', h.file('empty.json', '{"":"email"}'));
    expect(emptyHeader).toMatchObject({ code: 2, stderr: expect.stringMatching(/the mapping file .*empty\.json must be a JSON object of "header in the file": "field" pairs/) });
  });

  it('reads the encoding and delimiter it is told to', async () => {
    const latin = iconv.encode('UserIdentifier;UPN;LastName\na;a;Müller\n', 'win1252');
    await h.importJson(h.file('a.csv', latin), '--encoding', 'windows-1252', '--delimiter', 'semicolon');
    expect((await h.user('a')).lastName).toBe('Müller');
  });

  it('restores a deleted user only with --activate-deleted', async () => {
    await h.importJson(h.file('a.csv', csv('a,a,a@x.com,A,A,,,,')));
    const store = createEventStore({ kind: 'sqlite', file: `${h.dataDir}/events.sqlite` });
    await new DeleteUserService(store).delete((await h.user('a')).id, 'test');
    await store.close();
    expect((await h.user('a')).deleted).toBe(true);

    const skipped = await h.importJson(h.file('b.csv', csv('a,a,a@x.com,A,A,,,,')));
    expect(skipped.summary.counts).toMatchObject({ skipped: 1 });
    expect((await h.report(skipped.summary.importId))[0].reasons).toBe('user is deleted; it is restored only with "activate deleted"');
    const restored = await h.importJson(h.file('c.csv', csv('a,a,a@x.com,A,A,,,,')), '--activate-deleted');
    expect(restored.summary.counts).toMatchObject({ reactivated: 1 });
    expect(await h.user('a')).toMatchObject({ deleted: false, status: 'Active' });
  });

  it('escapes cells a spreadsheet would run as formulas in the report CSV', async () => {
    const { summary } = await h.importJson(h.file('f.csv', 'UserIdentifier,UPN,EmailId\n"=HYPERLINK(""x"")",a,bad\n+1,b,b@x.com\n'));
    const lines = (await h.etl('report', summary.importId, '--csv')).stdout.split('\n');
    expect(lines[1]).toMatch(/^2,"'=HYPERLINK\(""x""\)",bad,rejected,/);
    expect(lines[2]).toMatch(/^3,'\+1,b@x\.com,created,/);
  });

  it('imports the CSV sample cleanly into an empty directory', async () => {
    const { summary } = await h.importJson(samplePath('users.csv'));
    expect(summary.counts).toEqual({ created: 7, updated: 0, skipped: 0, disabled: 0, reactivated: 0, rejected: 0 });
    expect((await h.report(summary.importId)).every((r) => r.warnings === '')).toBe(true);
    expect(readFileSync(samplePath('users.csv'), 'utf8')).toMatch(/^UserIdentifier,UPN,/);
  });
});

describe('XML imports (CLI, real files)', () => {
  let h: EtlHarness;
  beforeEach(() => (h = new EtlHarness()));
  afterEach(() => h.dispose());

  it('imports the XML sample cleanly into an empty directory, defining its roles and properties in the catalog', async () => {
    const { summary } = await h.importJson(samplePath('users.xml'));
    expect(summary.counts).toEqual({ created: 7, updated: 0, skipped: 0, disabled: 0, reactivated: 0, rejected: 0 });
    expect((await h.report(summary.importId)).every((r) => r.warnings === '')).toBe(true);
    expect(await h.user('ada.lovelace@example.com')).toMatchObject({ securityRoles: ['Admin', 'Reader'], genericProperties: { CostCenter: 'CC-100' } });
    const catalog = (await h.events('catalog')).map((e) => e.data);
    expect(catalog).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'securityRole', name: 'Admin' }),
        expect.objectContaining({ kind: 'securityRole', name: 'Reader' }),
        expect.objectContaining({ kind: 'genericProperty', name: 'CostCenter' }),
      ]),
    );
    expect(catalog).toHaveLength(3);
  });

  it('lets a later CSV use the roles an XML import defined', async () => {
    await h.importJson(samplePath('users.xml'));
    const { summary } = await h.importJson(h.file('roles.csv', 'UserIdentifier,UPN,SecurityRole1,GenericProperty_CostCenter\nalan.turing@example.com,alan.turing@example.com,admin,CC-999\n'));
    expect(summary.counts).toMatchObject({ updated: 1 });
    expect(await h.user('alan.turing@example.com')).toMatchObject({ securityRoles: ['Admin'], genericProperties: { CostCenter: 'CC-999' } });
  });

  it('refuses a DOCTYPE and changes nothing (exit 1)', async () => {
    const file = h.file('evil.xml', '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><Users><User><UserIdentifier>&lol;</UserIdentifier><UPN>a</UPN></User></Users>');
    const { code, summary } = await h.importJson(file);
    expect(code).toBe(1);
    expect(summary.failure.reason).toMatch(/evil\.xml.*DOCTYPE/);
    expect(await h.events()).toEqual([]);
  });

  it('takes an XML file with another extension when told --format xml', async () => {
    const { summary } = await h.importJson(h.file('users.txt', readFileSync(samplePath('users.xml'))), '--format', 'xml');
    expect(summary.counts.created).toBe(7);
  });
});
