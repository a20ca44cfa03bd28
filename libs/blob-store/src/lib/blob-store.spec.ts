import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { BlobStore, InvalidSha256Error } from './blob-store';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}

async function readBlob(store: BlobStore, digest: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of store.openRead(digest)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Deterministic bytes in chunks of varying size, without holding them all in memory. */
function* generatedChunks(totalBytes: number): Generator<Buffer> {
  let seed = 42;
  for (let produced = 0; produced < totalBytes; ) {
    const size = Math.min(1 + (seed % 70_000), totalBytes - produced);
    const chunk = Buffer.alloc(size);
    for (let i = 0; i < size; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      chunk[i] = seed & 0xff;
    }
    produced += size;
    yield chunk;
  }
}

describe('BlobStore', () => {
  let dir: string;
  let store: BlobStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'blob-store-'));
    store = new BlobStore(join(dir, 'blobs'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('stores content under its sha256 and reads it back', async () => {
    const ref = await store.putStream(Readable.from(['hello, ', 'world']));

    expect(ref).toEqual({ sha256: sha256('hello, world'), size: 12 });
    expect(store.path(ref.sha256)).toBe(join(dir, 'blobs', ref.sha256.slice(0, 2), ref.sha256));
    expect((await readBlob(store, ref.sha256)).toString()).toBe('hello, world');
    expect(await store.has(ref.sha256)).toBe(true);
    expect(await store.has(sha256('something else'))).toBe(false);
  });

  it('gives the same ref and keeps one file for the same content, however it arrives', async () => {
    const source = join(dir, 'users.csv');
    writeFileSync(source, 'id,name\n1,Ada\n');

    const fromFile = await store.putFile(source);
    const fromStream = await store.putStream(Readable.from([Buffer.from('id,name\n'), Buffer.from('1,Ada\n')]));
    const writer = store.writer();
    await writer.write('id,name\n1,');
    await writer.write('Ada\n');
    const fromWriter = await writer.commit();

    expect(fromStream).toEqual(fromFile);
    expect(fromWriter).toEqual(fromFile);
    expect(filesUnder(join(dir, 'blobs'))).toEqual([join(fromFile.sha256.slice(0, 2), fromFile.sha256)]);
  });

  it('streams a multi-megabyte source through', async () => {
    const expected = createHash('sha256');
    for (const chunk of generatedChunks(8 * 1024 * 1024)) expected.update(chunk);

    const ref = await store.putStream(Readable.from(generatedChunks(8 * 1024 * 1024)));

    expect(ref).toEqual({ sha256: expected.digest('hex'), size: 8 * 1024 * 1024 });
    expect(sha256(await readBlob(store, ref.sha256))).toBe(ref.sha256);
  });

  it('writes many small lines in order, with or without awaiting each write', async () => {
    const lines = Array.from({ length: 100_000 }, (_, index) => `${JSON.stringify({ row: index, email: `u${index}@example.org` })}\n`);

    const awaited = store.writer();
    for (const line of lines) await awaited.write(line);
    const careless = store.writer();
    lines.forEach((line) => void careless.write(line));

    const expected = sha256(lines.join(''));
    expect((await awaited.commit()).sha256).toBe(expected);
    expect((await careless.commit()).sha256).toBe(expected);
    expect(readFileSync(store.path(expected), 'utf8')).toBe(lines.join(''));
  });

  it('keeps the order of strings and bytes written in turn, and counts the size in bytes', async () => {
    const chunks: (string | Uint8Array)[] = [];
    for (let i = 0; i < 5_000; i++) {
      chunks.push(`${JSON.stringify({ row: i, name: i % 3 ? 'Zoë Ødegaard' : '名前 😀' })}\n`);
      if (i % 7 === 0) chunks.push(Buffer.from(`bytes ${i} é\n`, 'utf8'));
      if (i % 11 === 0) chunks.push('');
    }
    const expected = Buffer.concat(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk)));

    const writer = store.writer();
    for (const chunk of chunks) await writer.write(chunk);
    const ref = await writer.commit();

    expect(ref).toEqual({ sha256: sha256(expected), size: expected.length });
    expect(readFileSync(store.path(ref.sha256)).equals(expected)).toBe(true);
  });

  it('keeps every byte of strings that fill a batch to its last bytes, or are larger than one', async () => {
    // Lines of every length around a batch's end, in one, two, three and four UTF-8 bytes per character.
    const chunks = ['a'.repeat(300_000), 'é'.repeat(90_000), '😀'.repeat(50_000)];
    for (let i = 0; i < 3_000; i++) chunks.push(`${['x', 'ß', '名', '😀'][i % 4].repeat(i % 997)}\n`);
    chunks.push('名'.repeat(87_382), 'tail');
    const expected = Buffer.from(chunks.join(''), 'utf8');

    const writer = store.writer();
    for (const chunk of chunks) await writer.write(chunk);
    const ref = await writer.commit();

    expect(ref).toEqual({ sha256: sha256(expected), size: expected.length });
    expect(readFileSync(store.path(ref.sha256)).equals(expected)).toBe(true);
  });

  it('writes a full batch while the caller gathers the next, and holds the caller back while the batch before is written', async () => {
    const batch = Buffer.alloc(256 * 1024, 'a'); // FLUSH_BYTES: each write below fills a batch
    const bytesInTmp = () => filesUnder(join(dir, 'blobs', 'tmp')).reduce((n, name) => n + statSync(join(dir, 'blobs', 'tmp', name)).size, 0);
    const writer = store.writer();

    await writer.write(batch);
    expect(bytesInTmp()).toBe(0); // returned at once: its batch is still on its way to the file
    await writer.write(batch);
    expect(bytesInTmp()).toBe(batch.length); // returned only once the first batch was written
    const ref = await writer.commit();

    expect(ref).toEqual({ sha256: sha256(Buffer.concat([batch, batch])), size: 2 * batch.length });
  });

  it('stores empty content', async () => {
    expect(await store.writer().commit()).toEqual({ sha256: EMPTY_SHA256, size: 0 });
    expect(await store.has(EMPTY_SHA256)).toBe(true);
  });

  it('accepts only a lower-case 64-digit hex digest as a blob name', async () => {
    const valid = sha256('x');
    for (const invalid of ['../../etc/passwd', valid.toUpperCase(), valid.slice(1), `${valid}0`, `${valid.slice(0, 63)}/`, '']) {
      expect(() => store.path(invalid)).toThrow(InvalidSha256Error);
      expect(() => store.openRead(invalid)).toThrow(InvalidSha256Error);
      await expect(store.has(invalid)).rejects.toThrow(InvalidSha256Error);
    }
  });

  it('leaves nothing behind when a write is aborted', async () => {
    const writer = store.writer();
    for (const chunk of generatedChunks(1024 * 1024)) await writer.write(chunk); // past the first flush
    expect(filesUnder(join(dir, 'blobs', 'tmp'))).toHaveLength(1);

    await writer.abort();
    await writer.abort();

    expect(filesUnder(join(dir, 'blobs'))).toEqual([]);
    await expect(writer.write('more')).rejects.toThrow();
  });

  it('leaves nothing behind when the source fails', async () => {
    async function* failing() {
      yield* generatedChunks(1024 * 1024);
      throw new Error('connection lost');
    }

    await expect(store.putStream(failing())).rejects.toThrow('connection lost');

    expect(filesUnder(join(dir, 'blobs'))).toEqual([]);
  });
});
