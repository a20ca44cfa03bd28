import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { join } from 'node:path';
import type { RejectedRow, UserRecord } from '@dirsync/domain';
import * as iconv from 'iconv-lite';
import { tempFiles } from './__fixtures__/temp-files';
import { FileRejectedError } from './errors';
import { parseUserCsv } from './parse-user-csv';
import type { ParseOptions, RowSink } from './types';

const files = tempFiles();
afterAll(() => files.cleanup());
const fixture = (name: string) => join(__dirname, '__fixtures__', name);

function collect(): RowSink & { records: UserRecord[]; rejected: RejectedRow[] } {
  const records: UserRecord[] = [];
  const rejected: RejectedRow[] = [];
  return { records, rejected, record: (r) => void records.push(r), reject: (r) => void rejected.push(r) };
}

async function parse(path: string, options: Partial<ParseOptions> = {}) {
  const sink = collect();
  const summary = await parseUserCsv(path, { fileName: 'users.csv', ...options }, sink);
  return { summary, records: sink.records, rejected: sink.rejected };
}

async function fileRejection(path: string, options: Partial<ParseOptions> = {}) {
  const sink = collect();
  const error = await parseUserCsv(path, { fileName: 'users.csv', ...options }, sink).catch((e: unknown) => e);
  if (!(error instanceof FileRejectedError)) throw new Error(`expected a FileRejectedError, got ${String(error)}`);
  return { error, sink };
}

describe('parseUserCsv', () => {
  it('reads an Infor file: every column, roles, generic properties, and rejects a bad e-mail by row and field', async () => {
    const { summary, records, rejected } = await parse(fixture('infor-users.csv'));
    expect(summary).toMatchObject({ encoding: 'utf-8', delimiter: ',', matchBy: 'identifier', totalRows: 3, validRows: 2, rejectedRows: 1, warnings: [] });
    expect(records[0]).toEqual({
      row: 2,
      profile: {
        identifier: 'ana.garcia', upn: 'ana.garcia@example.com', email: 'ana.garcia@example.com', username: 'agarcia',
        personId: 'P-001', firstName: 'Ana', lastName: 'García', title: 'Controller', department: 'Finance', alias: 'AGARCIA',
        picture: 'https://img.example.com/ana.png',
      },
      status: 'Active',
      securityRoles: ['Infor-BasicUser', 'Finance-Approver'],
      genericProperties: { LandmarkActorId: 'LA-1001', 'LN User': 'lnana' },
    });
    expect(rejected).toEqual([
      { row: 3, key: 'bob.stone', email: 'bob@', reasons: [{ field: 'email', message: 'email "bob@" is not a valid e-mail address' }] },
    ]);
    expect(records[1]).toMatchObject({ row: 4, status: 'Draft', securityRoles: ['Sales-Manager'] });
    expect(records[1].profile).toMatchObject({ title: 'Head of Sales, EMEA', minglePicture: 'https://mingle.example.com/carla.png' });
  });

  it('reads a SMARTFENSE-style file (CRLF): matches by e-mail, yes/no active, language case', async () => {
    const { summary, records } = await parse(fixture('smartfense-users.csv'));
    expect(summary).toMatchObject({ matchBy: 'email', totalRows: 3, validRows: 3, rejectedRows: 0 });
    expect(summary.columns.map((c) => c.field)).toEqual(['email', 'firstName', 'lastName', 'username', 'language', 'managerEmail', 'status']);
    expect(records).toEqual([
      { row: 2, status: 'Active', profile: { email: 'lucia.perez@example.com', firstName: 'Lucía', lastName: 'Pérez', username: 'lperez', language: 'es', managerEmail: 'jefe@example.com' } },
      { row: 3, status: 'Inactive', profile: { email: 'tom.baker@example.com', firstName: 'Tom', lastName: 'Baker', language: 'pt-BR' } },
      { row: 4, status: 'Active', profile: { email: 'sam.lee@example.com', firstName: 'Sam', lastName: 'Lee', username: 'slee', language: 'en' } },
    ]);
  });

  it('detects semicolon and tab delimiters, and honours an explicit one', async () => {
    const semicolon = await parse(files.write('semi.csv', 'email;first name\na@x.com;Ann, Jr\n'));
    expect(semicolon.summary.delimiter).toBe(';');
    expect(semicolon.records[0].profile).toEqual({ email: 'a@x.com', firstName: 'Ann, Jr' });
    const tab = await parse(files.write('tab.tsv', 'email\tfirst name\tlast name\na@x.com\t\tLee\n'));
    expect(tab.summary.delimiter).toBe('\t');
    expect(tab.records[0].profile).toEqual({ email: 'a@x.com', lastName: 'Lee' });
    const forced = await parse(files.write('forced.csv', 'email|x;first name\na@x.com;Ann\n'), { delimiter: ';', mapping: { 'email|x': 'email' } });
    expect(forced.records[0].profile).toEqual({ email: 'a@x.com', firstName: 'Ann' });
  });

  it('reads a semicolon file whose header has a comma inside a cell, unquoted', async () => {
    // As many commas as semicolons in the header: only the semicolon gives an e-mail column.
    const path = files.write('apellidos.csv', 'email;Apellidos, Nombre, Segundo;cargo\njose@example.com;Pérez, José, Luis;Jefe\n');
    const { summary, records } = await parse(path);
    expect(summary).toMatchObject({ delimiter: ';', warnings: ["column 'Apellidos, Nombre, Segundo' is not recognised and was ignored"] });
    expect(records.map((r) => r.profile)).toEqual([{ email: 'jose@example.com', title: 'Jefe' }]);
  });

  it('reads quoted values with commas, doubled quotes and line breaks, numbering rows as a spreadsheet', async () => {
    const path = files.write('quoted.csv', 'email,title,department\r\n"a@x.com","Head of ""Ops"", EMEA","Line 1\r\nLine 2"\r\nb@x.com,CTO,IT\r\n');
    const { records } = await parse(path);
    expect(records).toEqual([
      { row: 2, profile: { email: 'a@x.com', title: 'Head of "Ops", EMEA', department: 'Line 1\r\nLine 2' } },
      { row: 3, profile: { email: 'b@x.com', title: 'CTO', department: 'IT' } },
    ]);
  });

  it('strips a UTF-8 BOM so the first header is recognised', async () => {
    const path = files.write('bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('identifier,FirstName\njdoe,José\n')]));
    const { summary, records } = await parse(path);
    expect(summary).toMatchObject({ encoding: 'utf-8', matchBy: 'identifier', warnings: [] });
    expect(records[0].profile).toEqual({ identifier: 'jdoe', firstName: 'José' });
  });

  it('reads UTF-16LE with BOM (as Excel "Unicode text" saves it, tab-separated)', async () => {
    const text = 'identifier\tFirstName\tLastName\njdoe\tZoë\t王\n';
    const path = files.write('utf16.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const { summary, records } = await parse(path);
    expect(summary).toMatchObject({ encoding: 'utf-16le', delimiter: '\t' });
    expect(records[0].profile).toEqual({ identifier: 'jdoe', firstName: 'Zoë', lastName: '王' });
  });

  it('refuses UTF-16 without a byte-order mark, naming the file and its likely byte order, before any row reaches the sink', async () => {
    const text = 'email,FirstName\njose@example.com,José\n';
    for (const [encoding, order] of [['utf16le', 'little-endian'], ['utf16be', 'big-endian']] as const) {
      const { error, sink } = await fileRejection(files.write(`${encoding}-nobom.csv`, iconv.encode(text, encoding)));
      expect(error.message).toBe(
        `users.csv was rejected: the file looks like UTF-16 (${order}) without a byte-order mark: save it as UTF-8, ` +
          `or as UTF-16 with its byte-order mark, or give its encoding (${encoding.replace('utf16', 'utf-16')})`,
      );
      expect([...sink.records, ...sink.rejected]).toEqual([]);
    }
    // Given its encoding, it is read.
    const { records } = await parse(files.write('utf16le-named.csv', iconv.encode(text, 'utf16le')), { encoding: 'utf-16le' });
    expect(records[0].profile).toEqual({ email: 'jose@example.com', firstName: 'José' });
  });

  it('reads windows-1252 (no BOM, not UTF-8): é € ’ decode correctly', async () => {
    const path = files.write('cp1252.csv', iconv.encode('identifier;FirstName;Title\njdoe;José;Chief € Officer’s aide\n', 'win1252'));
    const { summary, records } = await parse(path);
    expect(summary.encoding).toBe('windows-1252');
    expect(records[0].profile).toEqual({ identifier: 'jdoe', firstName: 'José', title: 'Chief € Officer’s aide' });
  });

  it('reads a UTF-8 file with a stray windows-1252 byte as UTF-8, rejecting only the row that holds it', async () => {
    const bytes = Buffer.from('email,first name\njos\xc3\xa9@example.com,Jos\xc3\xa9\nbob@example.com,B\xf6b\n', 'latin1');
    const { summary, records, rejected } = await parse(files.write('mixed.csv', bytes));
    expect(summary).toMatchObject({ encoding: 'utf-8', totalRows: 2, validRows: 1, rejectedRows: 1 });
    expect(records).toEqual([{ row: 2, profile: { email: 'josé@example.com', firstName: 'José' } }]);
    expect(rejected).toEqual([
      {
        row: 3, key: 'bob@example.com', email: 'bob@example.com',
        reasons: [{ field: 'firstName', message: 'firstName "B\ufffdb" holds bytes that are not valid text in the file\'s encoding (shown as \ufffd); save the file as UTF-8' }],
      },
    ]);
  });

  it('rejects the rows holding bytes the chosen encoding cannot read: invalid UTF-8 after a BOM, windows-1252\'s undefined bytes', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('email,first name\na@x.com,Ann\nb@x.com,B\xf6b\n', 'latin1')]);
    const cp1252 = Buffer.from('email;first name\na@x.com;Jos\xe9\nb@x.com;B\x81b\n', 'latin1');
    for (const [name, bytes, encoding] of [['bom.csv', bom, 'utf-8'], ['cp1252.csv', cp1252, 'windows-1252']] as const) {
      const { summary, rejected } = await parse(files.write(name, bytes));
      expect(summary).toMatchObject({ encoding, validRows: 1 });
      expect(rejected.map(({ row, reasons }) => ({ row, field: reasons[0].field }))).toEqual([{ row: 3, field: 'firstName' }]);
    }
    const forced = await parse(files.write('forced.csv', Buffer.from('email,first name\na@x.com,B\xf6b\n', 'latin1')), { encoding: 'utf-8' });
    expect(forced.rejected).toEqual([expect.objectContaining({ row: 2, reasons: [expect.objectContaining({ field: 'firstName' })] })]);
  });

  it('refuses invisible characters in keys and controls in any cell, naming the field, and reads decomposed text as NFC', async () => {
    const path = files.write(
      'characters.csv',
      'email,first name,title\nbob@example.com\u200b,Bob,\nann@example.com,Ann,"\u001b[2JBoss"\njo\u0308rg@example.com,Jo\u0308rg,"Line 1\r\nLine\t2"\n',
    );
    const { records, rejected } = await parse(path);
    expect(rejected.map(({ row, keyInvalid, reasons }) => ({ row, keyInvalid, fields: reasons.map((r) => r.field) }))).toEqual([
      { row: 2, keyInvalid: true, fields: ['email'] },
      { row: 3, keyInvalid: undefined, fields: ['title'] },
    ]);
    expect(rejected[0].reasons[0].message).toBe('email "bob@example.com\u200b" holds the invisible or control character U+200B; remove it');
    expect(records).toEqual([{ row: 4, profile: { email: 'jörg@example.com', firstName: 'Jörg', title: 'Line 1\r\nLine\t2' } }]);
  });

  it('reads every line as its own row whatever ends it: a CRLF header above LF rows, or bare CRs', async () => {
    const mixed = await parse(files.write('mixed-eol.csv', 'email,first name,title\r\na@example.com,Ann,T1\nb@example.com,Bob,T2\n\nc@example.com,Cy,"T\r\n3"\r\n'));
    expect(mixed.rejected).toEqual([]);
    expect(mixed.records).toEqual([
      { row: 2, profile: { email: 'a@example.com', firstName: 'Ann', title: 'T1' } },
      { row: 3, profile: { email: 'b@example.com', firstName: 'Bob', title: 'T2' } },
      { row: 5, profile: { email: 'c@example.com', firstName: 'Cy', title: 'T\r\n3' } },
    ]);
    const classicMac = await parse(files.write('cr.csv', 'email,first name\ra@example.com,Ann\rb@example.com,Bob\r'));
    expect(classicMac.records.map((r) => [r.row, r.profile.email])).toEqual([[2, 'a@example.com'], [3, 'b@example.com']]);
  });

  it('rejects a row with the wrong number of values and keeps reading', async () => {
    const { summary, records, rejected } = await parse(files.write('count.csv', 'email,first name\na@x.com,Ann\nb@x.com,Bob,extra\nc@x.com,Cy\n'));
    expect(summary).toMatchObject({ totalRows: 3, validRows: 2, rejectedRows: 1 });
    expect(records.map((r) => r.row)).toEqual([2, 4]);
    expect(rejected).toEqual([{ row: 3, reasons: [{ message: expect.stringContaining('3 values but the header has 2 columns') }] }]);
  });

  it('rejects the file for an unterminated quote, naming the file, the row and the line', async () => {
    const { error } = await fileRejection(files.write('quote.csv', 'email,title\na@x.com,CTO\nb@x.com,"Head of\nc@x.com,CFO\n'));
    expect(error.fileName).toBe('users.csv');
    expect(error.problems).toEqual([{ row: 3, message: expect.stringContaining('never closed') }]);
    expect(error.message).toMatch(/^users\.csv was rejected: row 3: .*line 4/);
  });

  it('rejects the file for two columns of one field, before any row reaches the sink', async () => {
    const { error, sink } = await fileRejection(files.write('dup.csv', 'identifier,EmailId,E-mail\nu,a@x.com,b@x.com\n'));
    expect(error.problems).toEqual([{ row: 1, message: "columns 'EmailId' and 'E-mail' both map to email; keep only one" }]);
    expect(sink.records).toEqual([]);
  });

  it('rejects the file when the match-key column is missing', async () => {
    const { error } = await fileRejection(files.write('nokey.csv', 'EmailId,UPN\na@x.com,a@x.com\n'), { matchBy: 'identifier' });
    expect(error.problems[0].message).toContain('no UserIdentifier column');
    expect(error.problems[0].message).toContain('accepted names: UserIdentifier');
  });

  it('warns about an unknown column and ignores it', async () => {
    const { summary, records } = await parse(files.write('unknown.csv', 'email,Foo\na@x.com,bar\n'));
    expect(summary.warnings).toEqual(["column 'Foo' is not recognised and was ignored"]);
    expect(summary.columns).toEqual([{ header: 'email', field: 'email' }, { header: 'Foo', field: null }]);
    expect(records[0].profile).toEqual({ email: 'a@x.com' });
  });

  it('appends the domain to identifiers without one', async () => {
    const { records } = await parse(files.write('domain.csv', 'identifier\njdoe\nann@other.org\n'), { domain: 'example.com' });
    expect(records.map((r) => r.profile.identifier)).toEqual(['jdoe@example.com', 'ann@other.org']);
  });

  it('leaves blank cells out of the record, and a blank key rejects the row', async () => {
    const { records, rejected } = await parse(files.write('blank.csv', 'identifier,FirstName,LastName,Status\njdoe,, ,\n ,Ann,Lee,Active\n'));
    expect(records).toEqual([{ row: 2, profile: { identifier: 'jdoe' } }]);
    expect(rejected).toEqual([{ row: 3, reasons: [{ field: 'identifier', message: 'identifier is blank; it is needed to match the user' }] }]);
  });

  it('marks a row whose key cell is invalid, showing what the cell held; an invalid e-mail that is not the key does not', async () => {
    const path = files.write('bad-keys.csv', 'email,first name\nbob@example.com.,Bob\n<cy@example.com>,Cy\n');
    const { rejected } = await parse(path);
    expect(rejected.map(({ row, key, keyInvalid }) => ({ row, key, keyInvalid }))).toEqual([
      { row: 2, key: 'bob@example.com.', keyInvalid: true },
      { row: 3, key: '<cy@example.com>', keyInvalid: true },
    ]);
    const byIdentifier = await parse(files.write('bad-email.csv', 'UserIdentifier,UPN,EmailId\nbob,bob,bob@example.com.\n'));
    expect(byIdentifier.rejected).toEqual([
      { row: 2, key: 'bob', email: 'bob@example.com.', reasons: [{ field: 'email', message: 'email "bob@example.com." is not a valid e-mail address' }] },
    ]);
  });

  it('ignores blank lines and rows of empty cells with one warning, keeping spreadsheet row numbers', async () => {
    const { summary, records } = await parse(files.write('blankrows.csv', '\r\nemail,first name\r\n\r\na@x.com,Ann\r\n,\r\n , \r\nb@x.com,Bo\r\n'));
    expect(summary).toMatchObject({ totalRows: 2, warnings: ['3 blank rows were ignored'] });
    expect(records.map((r) => r.row)).toEqual([4, 7]);
  });

  it('rejects an empty file, and returns zero rows for a header-only file', async () => {
    const { error } = await fileRejection(files.write('empty.csv', ''));
    expect(error.problems).toEqual([{ message: 'the file is empty: there is no header row' }]);
    const { summary } = await parse(files.write('header-only.csv', 'email,first name\r\n'));
    expect(summary).toMatchObject({ totalRows: 0, validRows: 0, rejectedRows: 0 });
  });

  it('awaits the sink for every row, one at a time and in file order', async () => {
    const path = files.write('slow.csv', `email\n${Array.from({ length: 50 }, (_, i) => `u${i}@x.com`).join('\n')}\nbad\n`);
    let active = 0;
    let maxActive = 0;
    const order: number[] = [];
    const slow = async (row: number) => {
      maxActive = Math.max(maxActive, ++active);
      await new Promise((resolve) => setImmediate(resolve));
      order.push(row);
      active--;
    };
    await parseUserCsv(path, { fileName: 'slow.csv' }, { record: (r) => slow(r.row), reject: (r) => slow(r.row) });
    expect(maxActive).toBe(1);
    expect(order).toEqual(Array.from({ length: 51 }, (_, i) => i + 2));
  });

  it('stops reading and passes on the error when the sink fails', async () => {
    const path = files.write('sinkfail.csv', 'email\na@x.com\nb@x.com\nc@x.com\n');
    const seen: number[] = [];
    const failing: RowSink = {
      record: (r) => {
        seen.push(r.row);
        if (r.row === 3) throw new Error('disk full');
      },
      reject: () => undefined,
    };
    await expect(parseUserCsv(path, { fileName: 'sinkfail.csv' }, failing)).rejects.toThrow('disk full');
    expect(seen).toEqual([2, 3]);
  });

  it('streams a 200,000-row file', async () => {
    const path = files.path('big.csv');
    const out = createWriteStream(path);
    out.write('identifier,EmailId,FirstName,LastName,Status,SecurityRole1\n');
    for (let i = 0; i < 200_000; i++) {
      const email = i % 1000 === 999 ? 'broken@' : `user${i}@example.com`;
      if (!out.write(`user${i},${email},First${i},"Last, ${i}",Active,Role${i % 7}\n`)) await once(out, 'drain');
    }
    await finished(out.end());
    let valid = 0;
    let rejected = 0;
    const summary = await parseUserCsv(path, { fileName: 'big.csv' }, { record: () => void valid++, reject: () => void rejected++ });
    expect(summary).toMatchObject({ totalRows: 200_000, validRows: 199_800, rejectedRows: 200 });
    expect([valid, rejected]).toEqual([199_800, 200]);
  }, 60_000);
});

describe('parseUserCsv and the Infor format', () => {
  const files = tempFiles();
  afterAll(() => files.cleanup());

  it('refuses a file with UserIdentifier but no UPN, naming it, before any row reaches the sink', async () => {
    const records: unknown[] = [];
    const error = await parseUserCsv(files.write('infor.csv', 'UserIdentifier,EmailId\na,a@x.com\n'), { fileName: 'infor.csv' }, { record: (r) => void records.push(r), reject: () => undefined }).catch((e) => e);
    expect(error).toBeInstanceOf(FileRejectedError);
    expect(error.message).toContain('which requires UPN');
    expect(records).toEqual([]);
  });
});
