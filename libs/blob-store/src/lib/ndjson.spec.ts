import { Readable } from 'node:stream';
import { readNdjson } from './ndjson';

async function readAll(chunks: (string | Buffer)[]): Promise<unknown[]> {
  const values: unknown[] = [];
  for await (const value of readNdjson(Readable.from(chunks, { objectMode: true }))) values.push(value);
  return values;
}

describe('readNdjson', () => {
  it('yields one value per line, across chunk boundaries, with or without a final newline', async () => {
    expect(await readAll(['{"a":1}\n{"a"', ':2}\n', '{"a":3}'])).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
  });

  it('decodes a multi-byte character split between two chunks', async () => {
    const bytes = Buffer.from('{"name":"Zoë"}\n', 'utf8');
    const cut = bytes.indexOf(0xc3) + 1; // inside the two bytes of "ë"
    expect(await readAll([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual([{ name: 'Zoë' }]);
  });

  it('skips empty lines and reads CRLF line ends', async () => {
    expect(await readAll(['{"a":1}\r\n\n{"a":2}\r\n'])).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('reports a line that is not JSON', async () => {
    await expect(readAll(['{"a":1}\nnot json\n'])).rejects.toThrow(SyntaxError);
  });
});
