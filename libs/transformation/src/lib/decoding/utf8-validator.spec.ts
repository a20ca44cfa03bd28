import { tempFiles } from '../__fixtures__/temp-files';
import { Utf8Validator, isUtf8File } from './utf8-validator';

const validate = (chunks: Buffer[]) => {
  const validator = new Utf8Validator();
  for (const chunk of chunks) if (!validator.push(chunk)) return false;
  return validator.end();
};

describe('Utf8Validator', () => {
  // é (2 bytes), € (3 bytes), 😀 (4 bytes): every split point falls inside some sequence.
  const text = Buffer.from('aé€😀z', 'utf8');

  it('accepts valid UTF-8 split at every possible chunk boundary', () => {
    for (let cut = 0; cut <= text.length; cut++) {
      expect(validate([text.subarray(0, cut), text.subarray(cut)])).toBe(true);
    }
  });

  it('accepts valid UTF-8 fed one byte at a time', () => {
    expect(validate([...text].map((byte) => Buffer.from([byte])))).toBe(true);
  });

  it('rejects a windows-1252 byte (0x80 is € there, a stray continuation byte in UTF-8)', () => {
    expect(validate([Buffer.from('price '), Buffer.from([0x80]), Buffer.from(' 10')])).toBe(false);
  });

  it('rejects a lead byte followed by a non-continuation byte in the next chunk', () => {
    expect(validate([Buffer.from([0x61, 0xe2, 0x82]), Buffer.from([0x41])])).toBe(false);
  });

  it('rejects input that ends in the middle of a sequence', () => {
    expect(validate([Buffer.from([0x61, 0xe2, 0x82])])).toBe(false);
  });
});

describe('isUtf8File', () => {
  const files = tempFiles();
  afterAll(() => files.cleanup());

  it('reads the file in chunks and tells whether all of it is UTF-8', async () => {
    // Large enough for several 1 MiB chunks, with multi-byte characters across the boundaries.
    const utf8 = files.write('utf8.txt', '€'.repeat(1_000_000));
    const latin = files.write('latin.txt', Buffer.concat([Buffer.from('€'.repeat(1_000_000)), Buffer.from([0xe9])]));
    expect(await isUtf8File(utf8)).toBe(true);
    expect(await isUtf8File(latin)).toBe(false);
  });
});
