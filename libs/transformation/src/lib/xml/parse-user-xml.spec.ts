import { truncateSync } from 'node:fs';
import { join } from 'node:path';
import type { RejectedRow, UserRecord } from '@dirsync/domain';
import * as iconv from 'iconv-lite';
import { tempFiles } from '../__fixtures__/temp-files';
import { FileRejectedError } from '../errors';
import { parseUserCsv } from '../parse-user-csv';
import type { RowSink } from '../types';
import { parseUserXml, type XmlParseOptions } from './parse-user-xml';

const files = tempFiles();
afterAll(() => files.cleanup());
const samples = join(__dirname, '..', '..', '..', '..', '..', 'samples');

function collect(): RowSink & { records: UserRecord[]; rejected: RejectedRow[] } {
  const records: UserRecord[] = [];
  const rejected: RejectedRow[] = [];
  return { records, rejected, record: (r) => void records.push(r), reject: (r) => void rejected.push(r) };
}

async function parse(path: string, options: Partial<XmlParseOptions> = {}) {
  const sink = collect();
  const summary = await parseUserXml(path, { fileName: 'users.xml', ...options }, sink);
  return { summary, records: sink.records, rejected: sink.rejected };
}

async function fileRejection(path: string, options: Partial<XmlParseOptions> = {}) {
  const sink = collect();
  const error = await parseUserXml(path, { fileName: 'users.xml', ...options }, sink).catch((e: unknown) => e);
  if (!(error instanceof FileRejectedError)) throw new Error(`expected a FileRejectedError, got ${String(error)}`);
  // Nothing of a refused file reaches the sink.
  expect(sink.records).toEqual([]);
  expect(sink.rejected).toEqual([]);
  return error;
}

/** A file of `<User>` elements, each given as its inner XML. */
const users = (...inner: string[]) => `<?xml version="1.0" encoding="UTF-8"?>\n<Users>\n${inner.map((u) => `  <User>${u}</User>\n`).join('')}</Users>\n`;
const writeUsers = (name: string, ...inner: string[]) => files.write(name, users(...inner));

describe('parseUserXml', () => {
  it('reads samples/users.xml into the same records as samples/users.csv, numbering users by element index', async () => {
    const xml = await parse(join(samples, 'users.xml'));
    const csvSink = collect();
    const csv = await parseUserCsv(join(samples, 'users.csv'), { fileName: 'users.csv' }, csvSink);

    expect(xml.rejected).toEqual([]);
    expect(csvSink.rejected).toEqual([]);
    expect(xml.records).toHaveLength(7);
    expect(xml.records.map((r) => r.row)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    // CSV rows are spreadsheet rows (header = row 1); apart from that, record for record the same
    // users. Roles and properties are compared apart: the CSV sample leaves them blank (CSV cannot
    // define unknown ones, so into an empty directory they would only give warnings), while the
    // XML sample is where they are defined.
    const withoutCatalog = ({ securityRoles: _r, genericProperties: _p, ...rest }: UserRecord) => rest;
    expect(xml.records.map(withoutCatalog)).toEqual(csvSink.records.map((r) => ({ ...withoutCatalog(r), row: r.row - 1 })));
    expect(xml.records.map((r) => [r.securityRoles, r.genericProperties?.['CostCenter']])).toEqual([
      [['Admin', 'Reader'], 'CC-100'],
      [['Reader'], 'CC-100'],
      [['Reader'], 'CC-200'],
      [undefined, 'CC-200'],
      [['Reader'], 'CC-300'],
      [undefined, 'CC-200'],
      [['Reader'], 'CC-400'],
    ]);
    expect(xml.summary).toMatchObject({
      encoding: 'utf-8', delimiter: '', matchBy: csv.matchBy, totalRows: 7, validRows: 7, rejectedRows: 0, warnings: [],
    });
    expect(xml.records[0]).toMatchObject({ securityRoles: ['Admin', 'Reader'], genericProperties: { CostCenter: 'CC-100' } });
    expect(xml.summary.columns).toContainEqual({ header: 'SecurityRoles/SecurityRole', field: 'securityRoles' });
    expect(xml.summary.columns).toContainEqual({ header: 'GenericProperties/GenericProperty[@name="CostCenter"]', field: 'genericProperties.CostCenter' });
    expect(xml.summary.columns).toContainEqual({ header: 'EmailId', field: 'email' });
  });

  it('reads security roles and generic properties nested, flat, or both', async () => {
    const path = writeUsers(
      'roles.xml',
      '<identifier>a</identifier><SecurityRoles><SecurityRole>Admin</SecurityRole><SecurityRole> Reader </SecurityRole><SecurityRole>Admin</SecurityRole></SecurityRoles>' +
        '<GenericProperties><GenericProperty name="CostCenter">CC-1</GenericProperty><GenericProperty name="LN User">lna</GenericProperty></GenericProperties>',
      '<identifier>b</identifier><SecurityRole1>Admin</SecurityRole1><SecurityRole2>Reader</SecurityRole2><GenericProperty_CostCenter>CC-2</GenericProperty_CostCenter>',
      '<identifier>c</identifier><SecurityRole1>Flat</SecurityRole1><SecurityRoles><SecurityRole>Nested</SecurityRole></SecurityRoles>' +
        '<GenericProperty_Site>HQ</GenericProperty_Site><GenericProperty name="Floor">3</GenericProperty>',
      '<identifier>d</identifier><SecurityRoles><SecurityRole>Only</SecurityRole></SecurityRoles><GenericProperties><GenericProperty name="Empty"/></GenericProperties>',
    );
    const { records, rejected } = await parse(path);
    expect(rejected).toEqual([]);
    expect(records.map(({ securityRoles, genericProperties }) => ({ securityRoles, genericProperties }))).toEqual([
      { securityRoles: ['Admin', 'Reader'], genericProperties: { CostCenter: 'CC-1', 'LN User': 'lna' } },
      { securityRoles: ['Admin', 'Reader'], genericProperties: { CostCenter: 'CC-2' } },
      { securityRoles: ['Flat', 'Nested'], genericProperties: { Site: 'HQ', Floor: '3' } },
      // An empty property keeps the stored value, like a blank cell.
      { securityRoles: ['Only'], genericProperties: undefined },
    ]);
  });

  it('rejects a user whose generic property has no name or is given twice', async () => {
    const path = writeUsers(
      'props.xml',
      '<identifier>a</identifier><GenericProperties><GenericProperty>x</GenericProperty></GenericProperties>',
      '<identifier>b</identifier><GenericProperty_Site>HQ</GenericProperty_Site><GenericProperties><GenericProperty name="site">B2</GenericProperty></GenericProperties>',
    );
    const { rejected } = await parse(path);
    expect(rejected).toEqual([
      { row: 1, key: 'a', reasons: [{ field: 'genericProperties', message: 'a <GenericProperty> has no name attribute; write <GenericProperty name="CostCenter">value</GenericProperty>' }] },
      { row: 2, key: 'b', reasons: [{ field: 'genericProperties.site', message: 'generic property "site" is given twice in this <User>; keep only one' }] },
    ]);
  });

  it('marks a user whose key element is invalid, showing what it held', async () => {
    const path = writeUsers('bad-key.xml', '<EmailId>bob@example.com.</EmailId>', '<EmailId>ann@example.com</EmailId><Language>xx-yyyyy</Language>');
    const { rejected } = await parse(path);
    expect(rejected.map(({ row, key, keyInvalid }) => ({ row, key, keyInvalid }))).toEqual([
      { row: 1, key: 'bob@example.com.', keyInvalid: true },
      { row: 2, key: 'ann@example.com', keyInvalid: undefined },
    ]);
  });

  it('reads a file with a single <User> (one element is not a special case)', async () => {
    const path = files.write('one.xml', '<Users><User><EmailId>solo@example.com</EmailId><SecurityRoles><SecurityRole>R</SecurityRole></SecurityRoles></User></Users>');
    const { summary, records } = await parse(path);
    expect(summary).toMatchObject({ matchBy: 'email', totalRows: 1, validRows: 1 });
    expect(records).toEqual([{ row: 1, profile: { email: 'solo@example.com' }, securityRoles: ['R'] }]);
  });

  it('matches elements through the CSV aliases, custom mapping and domain option', async () => {
    const path = writeUsers('aliases.xml', '<identifier>jdoe</identifier><mail>j@x.com</mail><given_name>J</given_name><active>no</active><Sede>HQ</Sede><Language>PT-br</Language>');
    const { summary, records } = await parse(path, { domain: 'example.com', mapping: { Sede: 'GenericProperty_Site' } });
    expect(summary.matchBy).toBe('identifier');
    expect(records).toEqual([
      { row: 1, status: 'Inactive', profile: { identifier: 'jdoe@example.com', email: 'j@x.com', firstName: 'J', language: 'pt-BR' }, genericProperties: { Site: 'HQ' } },
    ]);
  });

  describe('entities', () => {
    it('decodes the five predefined entities and character references once; leaves CDATA and other names as written', async () => {
      const path = writeUsers(
        'entities.xml',
        '<EmailId>a@x.com</EmailId><Department>AT&amp;T</Department><Title>&lt;b&gt; &quot;Lead&quot; &apos;R&amp;D&apos;</Title>' +
          '<FirstName>Jos&#233; &#x41;</FirstName><LastName>&amp;lt;not a tag&amp;gt;</LastName><UserAlias>&nbsp;x&foo;</UserAlias>' +
          '<Picture><![CDATA[https://img/?a=1&amp;b=<2>]]></Picture><GenericProperty name="R&amp;D">yes</GenericProperty>',
      );
      const { records } = await parse(path);
      expect(records[0].profile).toMatchObject({
        department: 'AT&T',
        title: `<b> "Lead" 'R&D'`,
        firstName: 'José A',
        lastName: '&lt;not a tag&gt;', // decoded once, never twice
        alias: '&nbsp;x&foo;', // not defined without a DTD: kept as written
        picture: 'https://img/?a=1&amp;b=<2>', // CDATA is literal
      });
      expect(records[0].genericProperties).toEqual({ 'R&D': 'yes' });
    });
  });

  describe('safety', () => {
    it('refuses a DOCTYPE before parsing', async () => {
      const path = files.write('doctype.xml', '<?xml version="1.0"?>\n<!DOCTYPE Users SYSTEM "file:///etc/passwd">\n<Users><User><EmailId>a@x.com</EmailId></User></Users>');
      const error = await fileRejection(path);
      expect(error.message).toContain('users.xml was rejected');
      expect(error.message).toContain('line 2: the file contains <!DOCTYPE');
    });

    it('refuses a billion-laughs payload without expanding anything', async () => {
      const levels = Array.from({ length: 9 }, (_, i) => `  <!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join('\n');
      const payload = `<?xml version="1.0"?>\n<!DOCTYPE Users [\n  <!ENTITY lol0 "lol">\n${levels}\n]>\n<Users><User><EmailId>&lol9;</EmailId></User></Users>`;
      const heapBefore = process.memoryUsage().heapUsed;
      const started = Date.now();
      const error = await fileRejection(files.write('lol.xml', payload));
      expect(error.message).toContain('<!DOCTYPE');
      expect(Date.now() - started).toBeLessThan(1000);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(50 * 1024 * 1024);
    });

    it('refuses an <!ENTITY> even without a DOCTYPE around it', async () => {
      const error = await fileRejection(files.write('entity.xml', '<Users>\n<User>\n<!ENTITY x "y">\n</User></Users>'));
      expect(error.message).toContain('line 3: the file contains <!ENTITY');
    });

    it('checks the size cap on the file size, before reading it', async () => {
      // Over the cap, the size alone decides: this file is not even XML.
      const small = files.write('small.xml', `<!DOCTYPE x>${'x'.repeat(200)}`);
      const error = await fileRejection(small, { maxXmlBytes: 100 });
      expect(error.message).toContain('the file is 212 bytes, larger than the 100 bytes limit for XML files');

      // The default cap is 20 MiB: a sparse 60 MiB file is refused without its bytes being read.
      const big = files.path('big.xml');
      files.write('big.xml', '');
      truncateSync(big, 60 * 1024 * 1024);
      const bigError = await fileRejection(big);
      expect(bigError.message).toContain('the file is 60 MiB (62914560 bytes), larger than the 20 MiB (20971520 bytes) limit');

      // At the cap exactly, the file is read.
      const exact = users('<EmailId>a@x.com</EmailId>');
      const { summary } = await parse(files.write('exact.xml', exact), { maxXmlBytes: Buffer.byteLength(exact) });
      expect(summary.validRows).toBe(1);
    });

    it('refuses malformed XML naming the file, the line and the parser message', async () => {
      const path = files.write('broken.xml', '<Users>\n  <User>\n    <EmailId>a@x.com</Email>\n  </User>\n</Users>');
      const error = await fileRejection(path);
      expect(error.message).toMatch(/^users\.xml was rejected: the file is not well-formed XML: line 3, column \d+: .*EmailId/);
    });

    it('refuses a bare & (it must be written &amp;)', async () => {
      const error = await fileRejection(writeUsers('amp.xml', '<EmailId>a@x.com</EmailId><Department>R&D</Department>'));
      expect(error.message).toContain('line 3');
    });
  });

  describe('structure', () => {
    it('refuses a root other than <Users> and children other than <User>', async () => {
      expect((await fileRejection(files.write('root.xml', '<People><User/></People>'))).message).toContain(
        'the root element is <People>; a user file has one root element <Users> with one <User> element per user',
      );
      expect((await fileRejection(files.write('child.xml', '<Users><User><EmailId>a@x.com</EmailId></User><Person/></Users>'))).message).toContain(
        '<Users> contains <Person>',
      );
      expect((await fileRejection(files.write('roots.xml', '<Users><User/></Users><Users/>'))).message).toContain('more than one root element');
      expect((await fileRejection(files.write('text.xml', '<Users>hello<User><EmailId>a@x.com</EmailId></User></Users>'))).message).toContain(
        'contains text outside any <User>',
      );
    });

    it('returns 0 rows for an empty <Users/>, leaving the decision to the caller', async () => {
      for (const content of ['<Users/>', '<?xml version="1.0"?>\n<Users>\n  <!-- nobody yet -->\n</Users>\n']) {
        const { summary, records } = await parse(files.write('empty.xml', content));
        expect(summary).toMatchObject({ totalRows: 0, validRows: 0, rejectedRows: 0, delimiter: '', columns: [] });
        expect(records).toEqual([]);
      }
    });

    it('warns once per unknown element name, and ignores attributes with a warning', async () => {
      const path = writeUsers(
        'unknown.xml',
        '<EmailId>a@x.com</EmailId><Shoe>42</Shoe><Hat>M</Hat>',
        '<EmailId lang="en">b@x.com</EmailId><Shoe>43</Shoe>',
      );
      const { summary, records } = await parse(path);
      expect(records).toHaveLength(2);
      expect(summary.warnings).toEqual([
        'element <Shoe> is not recognised and was ignored',
        'element <Hat> is not recognised and was ignored',
        'attribute lang on <EmailId> is ignored',
      ]);
      expect(summary.columns).toEqual([
        { header: 'EmailId', field: 'email' },
        { header: 'Shoe', field: null },
        { header: 'Hat', field: null },
      ]);
    });

    it('rejects a bad e-mail by element index and field', async () => {
      const path = writeUsers(
        'email.xml',
        '<identifier>a</identifier><EmailId>a@x.com</EmailId>',
        '<identifier>b</identifier><EmailId>bob@</EmailId><ManagerEmail>nope</ManagerEmail>',
        '<identifier>c</identifier>',
      );
      const { summary, records, rejected } = await parse(path);
      expect(summary).toMatchObject({ totalRows: 3, validRows: 2, rejectedRows: 1 });
      expect(records.map((r) => r.row)).toEqual([1, 3]);
      expect(rejected).toEqual([
        {
          row: 2,
          key: 'b',
          email: 'bob@',
          reasons: [
            { field: 'email', message: 'email "bob@" is not a valid e-mail address' },
            { field: 'managerEmail', message: 'managerEmail "nope" is not a valid e-mail address' },
          ],
        },
      ]);
    });

    it('rejects a user without the match-key element, like a blank key cell', async () => {
      const path = writeUsers('nokey.xml', '<identifier>a</identifier>', '<EmailId>b@x.com</EmailId>', '<identifier>  </identifier>', '');
      const { summary, rejected } = await parse(path);
      expect(summary).toMatchObject({ matchBy: 'identifier', totalRows: 4, validRows: 1, rejectedRows: 3 });
      const blank = [{ field: 'identifier', message: 'identifier is blank; it is needed to match the user' }];
      expect(rejected).toEqual([
        { row: 2, email: 'b@x.com', reasons: blank },
        { row: 3, reasons: blank },
        { row: 4, reasons: blank },
      ]);
    });

    it('refuses the file when no user has the match-key element', async () => {
      const path = writeUsers('nokeyatall.xml', '<FirstName>A</FirstName>', '<FirstName>B</FirstName>');
      const error = await fileRejection(path);
      expect(error.message).toContain('there is no element to match users by: add an identifier element (UserIdentifier');
      const explicit = await fileRejection(writeUsers('nouser.xml', '<EmailId>a@x.com</EmailId>'), { matchBy: 'username' });
      expect(explicit.message).toContain('no <User> has a <UserName> element, needed to match users by username');
    });

    it('refuses the file when two element names feed the same field, as for CSV columns', async () => {
      const path = writeUsers('twonames.xml', '<EmailId>a@x.com</EmailId>', '<email>b@x.com</email>');
      expect((await fileRejection(path)).message).toContain('elements <EmailId> and <email> both map to email; keep only one');
    });

    it('rejects a user with the same field element twice, or a field holding elements', async () => {
      const path = writeUsers(
        'dupes.xml',
        '<EmailId>a@x.com</EmailId><FirstName>A</FirstName><FirstName>B</FirstName>',
        '<EmailId>b@x.com</EmailId><LastName><b>Bold</b></LastName>',
        '<EmailId>c@x.com</EmailId><SecurityRole>R1</SecurityRole><SecurityRole>R2</SecurityRole>',
      );
      const { records, rejected } = await parse(path);
      expect(rejected).toEqual([
        { row: 1, key: 'a@x.com', email: 'a@x.com', reasons: [{ field: 'firstName', message: '<FirstName> appears 2 times in this <User>; keep only one' }] },
        { row: 2, key: 'b@x.com', email: 'b@x.com', reasons: [{ field: 'lastName', message: '<LastName> must contain text only, but contains <b>' }] },
      ]);
      // Role elements are a list: repeating one is how several roles are given.
      expect(records).toEqual([{ row: 3, profile: { email: 'c@x.com' }, securityRoles: ['R1', 'R2'] }]);
    });

    it('accepts namespaced elements', async () => {
      const path = files.write('ns.xml', '<d:Users xmlns:d="urn:dirsync"><d:User><d:EmailId>a@x.com</d:EmailId></d:User></d:Users>');
      expect((await parse(path)).records).toEqual([{ row: 1, profile: { email: 'a@x.com' } }]);
    });
  });

  describe('encoding', () => {
    const body = '<Users><User><EmailId>jose@x.com</EmailId><FirstName>José</FirstName><Title>€ Lead</Title></User></Users>';
    const expected = { email: 'jose@x.com', firstName: 'José', title: '€ Lead' };

    it('reads UTF-16 with a byte-order mark, little- and big-endian', async () => {
      const declared = `<?xml version="1.0" encoding="UTF-16"?>\n${body}`;
      const le = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(declared, 'utf16le')]);
      const be = Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(declared, 'utf16be')]);
      for (const [name, bytes, encoding] of [['le.xml', le, 'utf-16le'], ['be.xml', be, 'utf-16be']] as const) {
        const { summary, records } = await parse(files.write(name, bytes));
        expect(summary.encoding).toBe(encoding);
        expect(records[0].profile).toEqual(expected);
      }
    });

    it('reads UTF-16 without a byte-order mark from its <?xml start', async () => {
      const bytes = iconv.encode(`<?xml version="1.0" encoding="UTF-16"?>${body}`, 'utf16le');
      const { summary, records } = await parse(files.write('le-nobom.xml', bytes));
      expect(summary.encoding).toBe('utf-16le');
      expect(records[0].profile).toEqual(expected);
    });

    it('refuses UTF-16 without a byte-order mark or <?xml start, naming its likely byte order', async () => {
      for (const [encoding, order] of [['utf16le', 'little-endian'], ['utf16be', 'big-endian']] as const) {
        const error = await fileRejection(files.write(`${encoding}-bare.xml`, iconv.encode(body, encoding)));
        expect(error.message).toContain(`users.xml was rejected: the file looks like UTF-16 (${order}) without a byte-order mark`);
      }
    });

    it('honours a declared windows-1252 or ISO-8859-1 encoding, and detects windows-1252 when undeclared', async () => {
      for (const declared of ['windows-1252', 'ISO-8859-1']) {
        const bytes = iconv.encode(`<?xml version="1.0" encoding="${declared}"?>\n${body}`, 'win1252');
        const { summary, records } = await parse(files.write(`${declared}.xml`, bytes));
        expect(summary.encoding).toBe('windows-1252');
        expect(records[0].profile).toMatchObject({ firstName: 'José' });
      }
      const undeclared = await parse(files.write('undeclared.xml', iconv.encode(body, 'win1252')));
      expect(undeclared.summary.encoding).toBe('windows-1252');
      expect(undeclared.records[0].profile).toEqual(expected);
    });

    it('refuses an undeclared file of UTF-8 characters with a stray windows-1252 byte, rather than misread it', async () => {
      const mixed = Buffer.concat([Buffer.from(body), Buffer.from('<!-- B\xf6b -->', 'latin1')]);
      expect((await fileRejection(files.write('mixed.xml', mixed))).message).toContain('not valid UTF-8');
    });

    it('honours a declared UTF-8 (with or without BOM) and refuses bytes that are not UTF-8', async () => {
      const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(body)]);
      expect((await parse(files.write('bom.xml', withBom))).records[0].profile).toEqual(expected);
      const lying = iconv.encode(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`, 'win1252');
      expect((await fileRejection(files.write('lying.xml', lying))).message).toContain('not valid UTF-8');
    });

    it('refuses a declared encoding it cannot honour, and follows an explicit one', async () => {
      const sjis = `<?xml version="1.0" encoding="Shift_JIS"?>\n${body}`;
      expect((await fileRejection(files.write('sjis.xml', sjis))).message).toContain('the XML declaration names encoding "Shift_JIS", which is not supported');
      const forced = await parse(files.write('forced.xml', iconv.encode(`<?xml version="1.0" encoding="UTF-8"?>${body}`, 'win1252')), { encoding: 'windows-1252' });
      expect(forced.records[0].profile).toEqual(expected);
    });
  });
});

describe('parseUserXml and the Infor format', () => {
  it('refuses users named by <UserIdentifier> without <UPN>, naming it, before any row reaches the sink', async () => {
    const error = await fileRejection(writeUsers('infor.xml', '<UserIdentifier>a</UserIdentifier><EmailId>a@x.com</EmailId>'));
    expect(error.message).toContain('which requires UPN');
  });
});
