import * as iconv from 'iconv-lite';
import { tempFiles } from '../__fixtures__/temp-files';
import { detectEncoding, openDecoded, readTextSample, utf16ByItsNuls } from './encoding';

const files = tempFiles();
afterAll(() => files.cleanup());

async function readAll(path: string, encoding?: Parameters<typeof detectEncoding>[1]): Promise<string> {
  const source = await detectEncoding(path, encoding);
  let text = '';
  for await (const chunk of openDecoded(path, source)) text += chunk.toString();
  return text;
}

describe('detectEncoding', () => {
  it('uses the BOM: UTF-8, UTF-16LE and UTF-16BE, and skips it', async () => {
    const utf8 = files.write('bom8.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('é')]));
    const le = files.write('bomle.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('é', 'utf16le')]));
    const be = files.write('bombe.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode('é', 'utf16be')]));
    expect(await detectEncoding(utf8)).toEqual({ encoding: 'utf-8', bomLength: 3 });
    expect(await detectEncoding(le)).toEqual({ encoding: 'utf-16le', bomLength: 2 });
    expect(await detectEncoding(be)).toEqual({ encoding: 'utf-16be', bomLength: 2 });
    expect(await readAll(utf8)).toBe('é');
    expect(await readAll(le)).toBe('é');
    expect(await readAll(be)).toBe('é');
  });

  it('takes a file without BOM that is valid UTF-8 as UTF-8', async () => {
    const path = files.write('plain.csv', 'José,€\n');
    expect(await detectEncoding(path)).toEqual({ encoding: 'utf-8', bomLength: 0 });
  });

  it('falls back to windows-1252 and decodes é € ’ correctly', async () => {
    const path = files.write('cp1252.csv', Buffer.from([0x4a, 0x6f, 0x73, 0xe9, 0x20, 0x80, 0x20, 0x92])); // "José € ’"
    expect(await detectEncoding(path)).toEqual({ encoding: 'windows-1252', bomLength: 0 });
    expect(await readAll(path)).toBe('José € ’');
  });

  it('keeps UTF-8 for a file with UTF-8 characters and a stray byte that is not UTF-8', async () => {
    const path = files.write('mixed.csv', Buffer.from('Jos\xc3\xa9,B\xf6b\n', 'latin1'));
    expect(await detectEncoding(path)).toEqual({ encoding: 'utf-8', bomLength: 0 });
    // A UTF-8 character split between the validator's 1 MiB chunks still counts.
    const split = files.write('split.csv', Buffer.concat([Buffer.alloc(1024 * 1024 - 1, 0x41), Buffer.from([0xc3, 0xa9, 0xf6])]));
    expect(await detectEncoding(split)).toEqual({ encoding: 'utf-8', bomLength: 0 });
  });

  it('lets an explicit encoding override detection', async () => {
    const path = files.write('forced.csv', 'é'); // valid UTF-8 (C3 A9), but the administrator says windows-1252
    expect(await detectEncoding(path, 'windows-1252')).toEqual({ encoding: 'windows-1252', bomLength: 0 });
    expect(await readAll(path, 'windows-1252')).toBe('Ã©');
  });

  it('still skips the BOM of an explicitly chosen encoding', async () => {
    const path = files.write('forced-bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a')]));
    expect(await detectEncoding(path, 'utf-8')).toEqual({ encoding: 'utf-8', bomLength: 3 });
  });
});

describe('readTextSample', () => {
  it('decodes the start of the file after the BOM', async () => {
    const path = files.write('sample.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a;b\n1;2\n', 'utf16le')]));
    expect(await readTextSample(path, await detectEncoding(path), 8)).toBe('a;b\n');
  });
});

describe('utf16ByItsNuls', () => {
  const csv = 'email;Apellidos, Nombre;cargo\njose@example.com;Pérez, José;Jefe de € y ’\n';

  it('tells UTF-16 without a byte-order mark by its NULs, little- and big-endian', () => {
    expect(utf16ByItsNuls(iconv.encode(csv, 'utf16le'))).toBe('utf-16le');
    expect(utf16ByItsNuls(iconv.encode(csv, 'utf16be'))).toBe('utf-16be');
    // Mostly CJK, whose characters have no NUL byte, but with ASCII delimiters and e-mails.
    expect(utf16ByItsNuls(iconv.encode('email\t姓名\nwang@example.com\t王小明\n', 'utf16le'))).toBe('utf-16le');
  });

  it('finds nothing in UTF-8 or windows-1252 text, nor in too little to tell', () => {
    expect(utf16ByItsNuls(Buffer.from(csv))).toBeUndefined();
    expect(utf16ByItsNuls(iconv.encode(csv, 'win1252'))).toBeUndefined();
    expect(utf16ByItsNuls(Buffer.from('a'))).toBeUndefined();
    expect(utf16ByItsNuls(Buffer.alloc(0))).toBeUndefined();
    // A stray NUL or two in a long line is damage, not an encoding.
    expect(utf16ByItsNuls(Buffer.from(`email,name\n${'x'.repeat(40)}\0y\0\n`))).toBeUndefined();
  });
});
