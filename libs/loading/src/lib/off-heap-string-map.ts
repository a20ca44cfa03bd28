export interface OffHeapStringMapOptions {
  /** Keys expected: the table is sized for them up front, so it need not grow while filling. */
  expectedSize?: number;
  /** Replaceable so that tests can force collisions. */
  hash?: (key: string) => number;
  /** Bytes per chunk of keys; small ones let tests cross chunks. */
  keyChunkBytes?: number;
}

/**
 * A map from strings to whole numbers (0 to 2^31 - 1) that keeps its keys outside the JavaScript
 * heap: UTF-8 bytes in large chunks, found through an open-addressing table in a typed array.
 *
 * The planner remembers every key, e-mail and username of a file, a revert every user an import
 * touched: millions at a time. As Map entries each costs about 85 bytes of heap that every full
 * collection traces, and V8 sizes the heap as a multiple of what is live; here an entry of a
 * 35-character key costs about 60 bytes (measured at a million) that no collection traces. Keys
 * are compared in full, never by hash alone: a lookup is exact.
 */
export class OffHeapStringMap {
  /**
   * Each key as its UTF-8 byte length (one byte below 255, else 255 and a uint32) and its bytes,
   * in chunks of `keyChunkBytes` (a longer key gets a chunk of its own): growing adds a chunk
   * instead of copying every key into a larger buffer. A key's place is chunk * keyChunkBytes +
   * byte; slots hold it plus one, so that 0 means an empty slot.
   */
  private readonly keyChunks: Buffer[] = [];
  private readonly keyChunkBytes: number;
  private readonly maxKeyChunks: number;
  private readonly hash: (key: string) => number;
  private keyChunkUsed = 0;
  /** Per slot, side by side (a probe reads one cache line, at most two, instead of three): the key's place plus one, its hash, the value. */
  private slots: Uint32Array;
  private count = 0;
  private released = false;
  /**
   * The key last looked up, its hash and its slot (or the empty slot where it would go): the
   * planner checks a key and then files it, so a `set` straight after a `get` of the same key
   * probes once. Only an insert moves what a slot holds, and every insert leaves its own key here.
   */
  private lastKey: string | undefined;
  private lastHash = 0;
  private lastSlot = 0;

  constructor(options: OffHeapStringMapOptions = {}) {
    const { expectedSize = 0, hash = fnv1a, keyChunkBytes = KEY_CHUNK_BYTES } = options;
    this.hash = hash;
    this.keyChunkBytes = keyChunkBytes;
    // Places plus one must fit a uint32.
    this.maxKeyChunks = Math.floor(0xffffffff / keyChunkBytes) - 1;
    const slots = 2 ** Math.ceil(Math.log2(Math.max(8, Math.ceil((expectedSize + 1) / MAX_LOAD))));
    this.slots = new Uint32Array(slots * SLOT);
  }

  get size(): number {
    return this.count;
  }

  get(key: string): number | undefined {
    this.assertNotReleased();
    const slot = this.slotOf(key);
    return this.slots[slot] === 0 ? undefined : this.slots[slot + VALUE];
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: number): this {
    this.assertNotReleased();
    if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) throw new RangeError(`value must be a whole number from 0 to 2^31 - 1, got ${value}`);
    let slot = this.slotOf(key);
    if (this.slots[slot] === 0) {
      const hash = this.lastHash;
      if (this.count + 1 > (this.slots.length / SLOT) * MAX_LOAD) {
        this.grow();
        slot = this.find(key, hash);
        this.lastSlot = slot;
      }
      this.slots[slot] = this.storeKey(key) + 1;
      this.slots[slot + HASH] = hash;
      this.count++;
    }
    this.slots[slot + VALUE] = value;
    return this;
  }

  /**
   * Gives the map's memory back now, not at the next full garbage collection: a map that lived
   * through planning sits in the old generation, and an apply that makes only short-lived objects
   * can run for a minute without a full collection (the 1M initial import kept about 180 MB that
   * long). The map is unusable afterwards. Safe to call twice.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const chunk of this.keyChunks) freeNow(chunk.buffer);
    this.keyChunks.length = 0;
    freeNow(this.slots.buffer);
    this.count = 0;
    this.lastKey = undefined;
  }

  private assertNotReleased(): void {
    if (this.released) throw new Error('OffHeapStringMap: used after release()');
  }

  /** find() for `key`, remembered for the next call: see `lastKey`. */
  private slotOf(key: string): number {
    if (key === this.lastKey) return this.lastSlot;
    const hash = this.hash(key) >>> 0;
    this.lastKey = key;
    this.lastHash = hash;
    this.lastSlot = this.find(key, hash);
    return this.lastSlot;
  }

  /** Where in `slots` the slot holding `key` begins, or the empty slot where it would go (linear probing). */
  private find(key: string, hash: number): number {
    const mask = this.slots.length / SLOT - 1;
    for (let index = hash & mask; ; index = (index + 1) & mask) {
      const slot = index * SLOT;
      const offset = this.slots[slot];
      if (offset === 0) return slot;
      if (this.slots[slot + HASH] === hash && this.keyEquals(offset - 1, key)) return slot;
    }
  }

  /**
   * Whether the key stored at `place` is `key`. Compared byte by byte while `key` is ASCII (each
   * character one byte), and decoded only from its first other character on: decoding every key
   * found made a string per look-up, and the planner makes several per row.
   */
  private keyEquals(place: number, key: string): boolean {
    const chunk = this.keyChunks[Math.floor(place / this.keyChunkBytes)];
    const offset = place % this.keyChunkBytes;
    const short = chunk[offset];
    const [length, start] = short < LONG ? [short, offset + 1] : [chunk.readUInt32LE(offset + 1), offset + 5];
    for (let i = 0; i < key.length; i++) {
      const code = key.charCodeAt(i);
      // The first i characters matched the first i bytes, so the stored key's next character starts here.
      if (code >= 0x80) return chunk.toString('utf8', start + i, start + length) === key.slice(i);
      if (i >= length || chunk[start + i] !== code) return false;
    }
    return length === key.length;
  }

  /**
   * Stores the key and returns its place. Most keys are ASCII, one byte a character: those are
   * copied by hand, sparing two calls into the runtime (their UTF-8 length and Buffer#write).
   * Filing a million rows' keys and e-mails, as the claims pass does, took 1.06–1.27 s instead of
   * 1.35–1.48 s (three runs each way).
   */
  private storeKey(key: string): number {
    let offset = this.makeRoom(key.length);
    let chunk = this.keyChunks[this.keyChunks.length - 1];
    const start = offset + headerBytes(key.length);
    for (let i = 0; i < key.length; i++) {
      const code = key.charCodeAt(i);
      if (code >= 0x80) {
        // Encoded in full instead. The bytes copied so far lie past the room in use: never read.
        const length = Buffer.byteLength(key, 'utf8');
        offset = this.makeRoom(length);
        chunk = this.keyChunks[this.keyChunks.length - 1];
        chunk.write(key, offset + headerBytes(length), 'utf8');
        return this.claimRoom(chunk, offset, length);
      }
      chunk[start + i] = code;
    }
    return this.claimRoom(chunk, offset, key.length);
  }

  /** Where in the last chunk a key of `length` bytes goes, after a new chunk if it does not fit. */
  private makeRoom(length: number): number {
    const needed = headerBytes(length) + length;
    const last = this.keyChunks.at(-1);
    if (!last || this.keyChunkUsed + needed > last.length) {
      if (this.keyChunks.length === this.maxKeyChunks) throw new RangeError(`OffHeapStringMap: more than ${this.maxKeyChunks} chunks of keys`);
      // Never from Node's shared pool (small chunks, in tests): a pooled buffer cannot be
      // transferred, so release() could not free it.
      this.keyChunks.push(Buffer.allocUnsafeSlow(Math.max(this.keyChunkBytes, needed)));
      this.keyChunkUsed = 0;
    }
    return this.keyChunkUsed;
  }

  /** Writes the length of the key whose bytes follow `offset`, takes its room, and returns its place. */
  private claimRoom(chunk: Buffer, offset: number, length: number): number {
    if (length < LONG) chunk[offset] = length;
    else {
      chunk[offset] = LONG;
      chunk.writeUInt32LE(length, offset + 1);
    }
    this.keyChunkUsed = offset + headerBytes(length) + length;
    return (this.keyChunks.length - 1) * this.keyChunkBytes + offset;
  }

  /** Twice the slots; entries move by their stored hash, keys stay where they are. */
  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    const mask = this.slots.length / SLOT - 1;
    for (let from = 0; from < old.length; from += SLOT) {
      if (old[from] === 0) continue;
      let index = old[from + HASH] & mask;
      while (this.slots[index * SLOT] !== 0) index = (index + 1) & mask;
      const to = index * SLOT;
      this.slots[to] = old[from];
      this.slots[to + HASH] = old[from + HASH];
      this.slots[to + VALUE] = old[from + VALUE];
    }
    freeNow(old.buffer);
  }
}

/**
 * Frees a buffer's memory at once. Transferring it detaches it (its views become empty) and moves
 * its memory into a copy of the object that nothing holds; that copy is new, so V8 frees the
 * memory at its next young-generation collection, a few milliseconds away, instead of at the next
 * full one.
 */
function freeNow(buffer: ArrayBufferLike): void {
  structuredClone(buffer, { transfer: [buffer as ArrayBuffer] });
}

/** Words per slot, and where the hash and the value are among them (the key's place first). */
const SLOT = 3;
const HASH = 1;
const VALUE = 2;
/** A key length byte of this value means a uint32 length follows. */
const LONG = 0xff;
const headerBytes = (length: number): number => (length < LONG ? 1 : 5);
/** Below 75 % full, a probe rarely goes past a few slots. */
const MAX_LOAD = 0.75;
/**
 * Above glibc's largest mmap threshold (32 MiB), so each chunk is a mapping of its own: memory goes
 * back to the system as soon as the map is collected (smaller freed chunks stayed resident in
 * malloc's arena), and pages not yet written cost nothing.
 */
const KEY_CHUNK_BYTES = 64 * 1024 * 1024;

/** 32-bit FNV-1a over UTF-16 code units, with a final mix so that the low bits (the slot) vary too. */
function fnv1a(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}
