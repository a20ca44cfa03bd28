/**
 * A map from strings to whole numbers (0 to 2^31 - 1) that keeps its keys outside the JavaScript
 * heap: UTF-8 bytes in buffers of a few MiB, found through an open-addressing table of typed arrays.
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
   * in chunks of KEY_CHUNK bytes (a longer key gets a chunk of its own): growing adds a chunk
   * instead of copying every key into a larger buffer. A key's place is chunk * KEY_CHUNK + byte;
   * slots hold it plus one, so that 0 means an empty slot.
   */
  private readonly keyChunks: Buffer[] = [];
  private keyChunkUsed = 0;
  private slotOffsets: Uint32Array;
  private slotHashes: Uint32Array;
  private slotValues: Int32Array;
  private count = 0;

  constructor(
    /** Keys expected: the table is sized for them up front, so it need not grow while filling. */
    expectedSize = 0,
    /** Replaceable so that tests can force collisions. */
    private readonly hash: (key: string) => number = fnv1a,
  ) {
    const slots = 2 ** Math.ceil(Math.log2(Math.max(8, Math.ceil((expectedSize + 1) / MAX_LOAD))));
    this.slotOffsets = new Uint32Array(slots);
    this.slotHashes = new Uint32Array(slots);
    this.slotValues = new Int32Array(slots);
  }

  get size(): number {
    return this.count;
  }

  get(key: string): number | undefined {
    const slot = this.find(key, this.hash(key) >>> 0);
    return this.slotOffsets[slot] === 0 ? undefined : this.slotValues[slot];
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  set(key: string, value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) throw new RangeError(`value must be a whole number from 0 to 2^31 - 1, got ${value}`);
    const hash = this.hash(key) >>> 0;
    let slot = this.find(key, hash);
    if (this.slotOffsets[slot] === 0) {
      if (this.count + 1 > this.slotOffsets.length * MAX_LOAD) {
        this.grow();
        slot = this.find(key, hash);
      }
      this.slotOffsets[slot] = this.storeKey(key) + 1;
      this.slotHashes[slot] = hash;
      this.count++;
    }
    this.slotValues[slot] = value;
    return this;
  }

  /** The slot holding `key`, or the empty slot where it would go (linear probing). */
  private find(key: string, hash: number): number {
    const mask = this.slotOffsets.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const offset = this.slotOffsets[slot];
      if (offset === 0) return slot;
      if (this.slotHashes[slot] === hash && this.keyAt(offset - 1) === key) return slot;
    }
  }

  private keyAt(place: number): string {
    const chunk = this.keyChunks[Math.floor(place / KEY_CHUNK)];
    const offset = place % KEY_CHUNK;
    const short = chunk[offset];
    const [length, start] = short < LONG ? [short, offset + 1] : [chunk.readUInt32LE(offset + 1), offset + 5];
    return chunk.toString('utf8', start, start + length);
  }

  /** Stores the key and returns its place. */
  private storeKey(key: string): number {
    const length = Buffer.byteLength(key, 'utf8');
    const header = length < LONG ? 1 : 5;
    const needed = header + length;
    const last = this.keyChunks.at(-1);
    if (!last || this.keyChunkUsed + needed > last.length) {
      if (this.keyChunks.length === MAX_KEY_CHUNKS) throw new RangeError(`OffHeapStringMap: more than ${MAX_KEY_CHUNKS} chunks of keys`);
      this.keyChunks.push(Buffer.allocUnsafe(Math.max(KEY_CHUNK, needed)));
      this.keyChunkUsed = 0;
    }
    const chunk = this.keyChunks[this.keyChunks.length - 1];
    const offset = this.keyChunkUsed;
    if (header === 1) chunk[offset] = length;
    else {
      chunk[offset] = LONG;
      chunk.writeUInt32LE(length, offset + 1);
    }
    chunk.write(key, offset + header, 'utf8');
    this.keyChunkUsed += needed;
    return (this.keyChunks.length - 1) * KEY_CHUNK + offset;
  }

  /** Twice the slots; entries move by their stored hash, keys stay where they are. */
  private grow(): void {
    const [offsets, hashes, values] = [this.slotOffsets, this.slotHashes, this.slotValues];
    const slots = offsets.length * 2;
    this.slotOffsets = new Uint32Array(slots);
    this.slotHashes = new Uint32Array(slots);
    this.slotValues = new Int32Array(slots);
    const mask = slots - 1;
    for (let from = 0; from < offsets.length; from++) {
      if (offsets[from] === 0) continue;
      let slot = hashes[from] & mask;
      while (this.slotOffsets[slot] !== 0) slot = (slot + 1) & mask;
      this.slotOffsets[slot] = offsets[from];
      this.slotHashes[slot] = hashes[from];
      this.slotValues[slot] = values[from];
    }
  }
}

/** A key length byte of this value means a uint32 length follows. */
const LONG = 0xff;
/** Below 75 % full, a probe rarely goes past a few slots. */
const MAX_LOAD = 0.75;
const KEY_CHUNK = 4 * 1024 * 1024;
/** Places plus one must fit a uint32: 1,022 chunks of 4 MiB. */
const MAX_KEY_CHUNKS = Math.floor(0xffffffff / KEY_CHUNK) - 1;

/** 32-bit FNV-1a over UTF-16 code units, with a final mix so that the low bits (the slot) vary too. */
function fnv1a(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}
