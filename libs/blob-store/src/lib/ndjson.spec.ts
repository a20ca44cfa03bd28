import { Readable } from 'node:stream';
import { readNdjson, readNdjsonBatches } from './ndjson';

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

  it('names the line that is not JSON, counting empty lines', async () => {
    await expect(readAll(['{"a":1}\n\nnot json\n'])).rejects.toThrow(SyntaxError);
    await expect(readAll(['{"a":1}\n\nnot', ' json\n'])).rejects.toThrow(/^line 3 is not JSON \(/);
    await expect(readAll(['{"a":1}\n{"a":'])).rejects.toThrow(/^line 2 is not JSON/);
  });
});

describe('readNdjsonBatches', () => {
  it("yields each read chunk's values together, in order, a line split between chunks with the chunk that ends it", async () => {
    const batches: unknown[][] = [];
    const input = Readable.from(['{"a":1}\n{"a":2}\n{"a"', ':3}\n\n', '{"a":4}'], { objectMode: true });
    for await (const values of readNdjsonBatches(input)) batches.push(values);
    expect(batches).toEqual([[{ a: 1 }, { a: 2 }], [{ a: 3 }], [{ a: 4 }]]);
  });
});
