/**
 * A map from strings to whole numbers (0 to 2^31 - 1) that keeps its keys outside the JavaScript
 * heap: UTF-8 bytes in one growing buffer, found through an open-addressing table of typed arrays.
 *
 * The planner remembers every key, e-mail and username of a file (millions at a time). As Map
 * entries each costs about 80 bytes of heap that every full collection traces, and V8 sizes the
 * heap as a multiple of what is live; here an entry costs about 40 bytes that no collection
 * traces. Keys are compared in full, never by hash alone: a lookup is exact.
 */
export class OffHeapStringMap {
  /**
   * Each key as its UTF-8 byte length (one byte below 255, else 255 and a uint32) and its bytes.
   * Slots hold offsets into this plus one, so that 0 means an empty slot.
   */
  private keys = Buffer.allocUnsafe(1 << 16);
  private keysUsed = 0;
  private slotOffsets: Uint32Array;
  private slotHashes: Uint32Array;
  private slotValues: Int32Array;
  private count = 0;

  constructor(
    initialSlots = 1 << 10,
    /** Replaceable so that tests can force collisions. */
    private readonly hash: (key: string) => number = fnv1a,
  ) {
    const slots = 1 << Math.ceil(Math.log2(Math.max(initialSlots, 8)));
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
      // Below 75 % full, a probe rarely goes past a few slots.
      if ((this.count + 1) * 4 > this.slotOffsets.length * 3) {
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

  private keyAt(offset: number): string {
    const short = this.keys[offset];
    const [length, start] = short < LONG ? [short, offset + 1] : [this.keys.readUInt32LE(offset + 1), offset + 5];
    return this.keys.toString('utf8', start, start + length);
  }

  private storeKey(key: string): number {
    const length = Buffer.byteLength(key, 'utf8');
    const header = length < LONG ? 1 : 5;
    const needed = header + length;
    if (this.keysUsed + needed > this.keys.length) {
      // By half again, not double: less unused room at the end, for a few more copies.
      let capacity = Math.ceil(this.keys.length * 1.5);
      while (this.keysUsed + needed > capacity) capacity = Math.ceil(capacity * 1.5);
      // Offsets are uint32, and + 1 must fit too.
      if (capacity > 0xffffffff) throw new RangeError('OffHeapStringMap: more than 4 GiB of keys');
      const grown = Buffer.allocUnsafe(capacity);
      this.keys.copy(grown, 0, 0, this.keysUsed);
      this.keys = grown;
    }
    const offset = this.keysUsed;
    if (header === 1) this.keys[offset] = length;
    else {
      this.keys[offset] = LONG;
      this.keys.writeUInt32LE(length, offset + 1);
    }
    this.keys.write(key, offset + header, 'utf8');
    this.keysUsed += needed;
    return offset;
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

/** 32-bit FNV-1a over UTF-16 code units, with a final mix so that the low bits (the slot) vary too. */
function fnv1a(key: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  return hash >>> 0;
}
