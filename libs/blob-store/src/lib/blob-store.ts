import { createHash, randomUUID, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

/** A stored blob: its content's sha256 (lower-case hex) and size in bytes. */
export interface BlobRef {
  sha256: string;
  size: number;
}

/** Builds one blob from chunks. Await each write: it waits while earlier chunks are being written. */
export interface BlobWriter {
  write(chunk: string | Uint8Array): Promise<void>;
  /** Stores what was written and returns its ref; the writer cannot be used afterwards. */
  commit(): Promise<BlobRef>;
  /** Discards what was written. Safe to call more than once, or after a failed commit. */
  abort(): Promise<void>;
}

/** A value that is not a sha256 hex digest was used where one is required. */
export class InvalidSha256Error extends Error {
  override readonly name = 'InvalidSha256Error';
  constructor(readonly value: string) {
    super(`Not a sha256 hex digest: ${JSON.stringify(value.slice(0, 80))}`);
  }
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Bytes gathered before one write to the file: ~1M short NDJSON lines must not be 1M writes. */
const FLUSH_BYTES = 256 * 1024;

/** A writer's open buffer before its first string (and after each seal): nothing allocated yet. */
const NO_BYTES = Buffer.alloc(0);

/**
 * Content-addressed files: a blob lives at `<rootDir>/<first 2 hex>/<sha256>`. Content is written to
 * `<rootDir>/tmp/` while being hashed, then renamed into place, so a blob path only ever holds
 * complete content, and storing the same content twice keeps one file.
 */
export class BlobStore {
  private readonly tmpDir: string;

  constructor(readonly rootDir: string) {
    // Same directory tree, so the same filesystem: rename is atomic.
    this.tmpDir = join(rootDir, 'tmp');
  }

  /** Where the blob with this digest lives (whether or not it exists). */
  path(sha256: string): string {
    // The digest becomes a file name: only exactly 64 hex digits can, so no value escapes rootDir.
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) throw new InvalidSha256Error(String(sha256));
    return join(this.rootDir, sha256.slice(0, 2), sha256);
  }

  async has(sha256: string): Promise<boolean> {
    try {
      await access(this.path(sha256));
      return true;
    } catch (error) {
      if (error instanceof InvalidSha256Error) throw error;
      return false;
    }
  }

  /** Streams a stored blob; the stream errors with ENOENT when it does not exist. */
  openRead(sha256: string): Readable {
    return createReadStream(this.path(sha256));
  }

  putFile(sourcePath: string): Promise<BlobRef> {
    return this.putStream(createReadStream(sourcePath));
  }

  async putStream(source: Readable | AsyncIterable<string | Uint8Array>): Promise<BlobRef> {
    const writer = this.writer();
    try {
      for await (const chunk of source) await writer.write(chunk);
      return await writer.commit();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  writer(): BlobWriter {
    return new TempFileBlobWriter(this.tmpDir, (sha256) => this.path(sha256));
  }
}

/**
 * Hashes chunks as they come, gathers them in memory up to FLUSH_BYTES and writes them to a temp
 * file one batch at a time. Writes are chained, so they stay in order even if a caller does not
 * await. One batch is written while the next is gathered: a caller that awaits is held back only
 * when a full batch finds the one before still being written (backpressure), so the CPU work
 * that produces the chunks (planning a million rows) does not stop at every write.
 *
 * Strings are encoded straight into the batch's buffer (Buffer#write), one after the other, and
 * hashed once the buffer is sealed: a Buffer and a hash update for every NDJSON line (a million
 * for the records of a 1M-row file, a million more for its plan) cost more than the line itself,
 * and so did gathering the lines and encoding their join (about 2 µs a line, against 0.4 here).
 * Each string is encoded on its own, as a stream's write does: a surrogate pair must not be split
 * between two writes.
 */
class TempFileBlobWriter implements BlobWriter {
  private readonly hash: Hash = createHash('sha256');
  private readonly tmpPath: string;
  private size = 0;
  /** Encoded and hashed, waiting for the next write to the file. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Strings written after `pending`, encoded but not yet hashed: `open.subarray(0, openBytes)`. */
  private open: Buffer = NO_BYTES;
  private openBytes = 0;
  private file?: Promise<FileHandle>;
  /** The chain of writes to the file; never rejects, failures land in `failure`. */
  private writes: Promise<void> = Promise.resolve();
  private failure?: unknown;
  private state: 'open' | 'committing' | 'done' = 'open';

  constructor(
    tmpDir: string,
    private readonly blobPath: (sha256: string) => string,
  ) {
    this.tmpPath = join(tmpDir, `${randomUUID()}.part`);
  }

  async write(chunk: string | Uint8Array): Promise<void> {
    if (this.state !== 'open') throw new Error('This blob writer is already committed or aborted');
    if (this.failure) throw this.failure;
    if (chunk.length === 0) return;
    if (typeof chunk === 'string') {
      this.encode(chunk);
    } else {
      this.seal(); // first: the hash and the file take chunks in the order they came
      // A copy: the caller may reuse its buffer once the write resolves, before the data reaches disk.
      this.add(Buffer.from(chunk));
    }
    if (this.pendingBytes + this.openBytes >= FLUSH_BYTES) {
      // Waits for the batch before, not for this one: it is written while the caller goes on.
      await this.writes;
      if (this.failure) throw this.failure;
      this.flush();
    }
  }

  async commit(): Promise<BlobRef> {
    if (this.state !== 'open') throw new Error('This blob writer is already committed or aborted');
    this.state = 'committing';
    this.flush();
    await this.writes;
    if (this.failure) throw this.failure;
    const handle = await this.openFile(); // not opened yet if the blob is empty
    // On disk before it is renamed into place: a blob an event refers to must survive a crash.
    await handle.sync();
    await handle.close();
    this.file = undefined;

    const ref: BlobRef = { sha256: this.hash.digest('hex'), size: this.size };
    const target = this.blobPath(ref.sha256);
    if (await exists(target)) {
      await unlink(this.tmpPath);
    } else {
      await mkdir(dirname(target), { recursive: true });
      // Two writers of the same content may both get here; either rename leaves identical content.
      await rename(this.tmpPath, target);
    }
    this.state = 'done';
    return ref;
  }

  async abort(): Promise<void> {
    if (this.state === 'done') return;
    this.state = 'done';
    this.pending = [];
    this.open = NO_BYTES;
    this.openBytes = 0;
    await this.writes;
    if (this.file) {
      const file = this.file;
      this.file = undefined;
      await file.then((handle) => handle.close()).catch(() => undefined);
      await unlink(this.tmpPath).catch(() => undefined);
    }
  }

  /** Encodes a string after the open buffer's bytes, or on its own if it may not fit in one. */
  private encode(text: string): void {
    // UTF-8 takes at most 3 bytes per UTF-16 unit (a surrogate pair: 4 bytes for 2 units).
    const mostBytes = text.length * 3;
    if (this.openBytes + mostBytes > this.open.length) {
      this.seal();
      if (mostBytes > FLUSH_BYTES) {
        this.add(Buffer.from(text, 'utf8'));
        return;
      }
      this.open = Buffer.allocUnsafe(FLUSH_BYTES);
    }
    this.openBytes += this.open.write(text, this.openBytes, 'utf8');
  }

  /** Hashes and queues the open buffer's bytes; the strings after them go to a new buffer. */
  private seal(): void {
    if (this.openBytes === 0) return;
    this.add(this.open.subarray(0, this.openBytes));
    this.open = NO_BYTES;
    this.openBytes = 0;
  }

  private add(buffer: Buffer): void {
    this.hash.update(buffer);
    this.size += buffer.length;
    this.pending.push(buffer);
    this.pendingBytes += buffer.length;
  }

  /** Queues the gathered chunks as one write after the previous ones. */
  private flush(): void {
    this.seal();
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    this.writes = this.writes
      .then(async () => {
        if (this.failure) return;
        const handle = await this.openFile();
        await handle.write(data);
      })
      .catch((error: unknown) => {
        this.failure ??= error;
      });
  }

  /** Creates the temp file on first use, so a writer that is never written to touches no disk. */
  private openFile(): Promise<FileHandle> {
    this.file ??= mkdir(dirname(this.tmpPath), { recursive: true }).then(() => open(this.tmpPath, 'wx'));
    return this.file;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
