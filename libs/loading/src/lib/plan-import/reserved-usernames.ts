const BITS_PER_NAME = 10;
/** Bit positions per name: with 10 bits a name, 7 gives about the fewest false positives. */
const POSITIONS = 7;
/** Bits of a block, in which all of a name's positions lie: one cache line of 64 bytes. */
const BLOCK_BITS = 512;
const BLOCK_WORDS = BLOCK_BITS / 32;

/**
 * The usernames a file gives explicitly, so that the username generated for a row that gives none
 * never takes one that a later row asks for (that row would be rejected, naming the earlier one).
 *
 * A Bloom filter, because its one kind of error is harmless here: a free name it wrongly reports
 * as reserved (about 1 in 100) is passed over, and the generator tries the next suffix. About 10
 * bits a name (1.2 MB for a million, where an exact map of them would add about 60 MB to the
 * planner's peak), each name's bits in one block of 64 bytes (a cache line: one memory access a
 * name), and its bits are one typed array, which the claims thread fills and hands over whole.
 * Names compare as the directory compares them (`matchKey`: trimmed, lower-cased).
 */
export class ReservedUsernames {
  private readonly blocks: number;

  private constructor(readonly bits: Uint32Array) {
    this.blocks = bits.length / BLOCK_WORDS;
  }

  /** An empty filter sized for up to `names` names. */
  static forNames(names: number): ReservedUsernames {
    const blocks = Math.max(1, Math.ceil((names * BITS_PER_NAME) / BLOCK_BITS));
    return new ReservedUsernames(new Uint32Array(blocks * BLOCK_WORDS));
  }

  /** The filter whose bits another thread filled (see `bits`). */
  static fromBits(bits: Uint32Array): ReservedUsernames {
    if (bits.length === 0 || bits.length % BLOCK_WORDS !== 0) throw new Error(`reserved usernames: ${bits.length} words are not whole blocks of ${BLOCK_WORDS}`);
    return new ReservedUsernames(bits);
  }

  /** Reserves a row's username; a row without one reserves nothing. */
  add(username: string | null | undefined): void {
    const hash = username ? hashOfName(username) : undefined;
    if (hash === undefined) return;
    const block = (mix(hash) % this.blocks) * BLOCK_WORDS;
    const step = stepOf(hash);
    let position = mix(hash ^ 0x5f3759df);
    for (let i = 0; i < POSITIONS; i++) {
      const bit = position & (BLOCK_BITS - 1);
      this.bits[block + (bit >>> 5)] |= 1 << (bit & 31);
      position += step;
    }
  }

  /** False when no row gives this username; true when one does, or (rarely) when none does. */
  mayHold(username: string): boolean {
    const hash = hashOfName(username);
    if (hash === undefined) return false;
    const block = (mix(hash) % this.blocks) * BLOCK_WORDS;
    const step = stepOf(hash);
    let position = mix(hash ^ 0x5f3759df);
    for (let i = 0; i < POSITIONS; i++) {
      const bit = position & (BLOCK_BITS - 1);
      if ((this.bits[block + (bit >>> 5)] & (1 << (bit & 31))) === 0) return false;
      position += step;
    }
    return true;
  }
}

/**
 * FNV-1a of the name as the directory compares it (`matchKey`: trimmed, lower-cased), or undefined
 * for a blank one. An ASCII name is trimmed and lower-cased as it is hashed, with no new string:
 * the claims thread hashes a million of them.
 */
function hashOfName(name: string): number | undefined {
  let start = 0;
  let end = name.length;
  while (start < end && isAsciiSpace(name.charCodeAt(start))) start++;
  while (end > start && isAsciiSpace(name.charCodeAt(end - 1))) end--;
  if (start === end) return undefined;
  let hash = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    let code = name.charCodeAt(i);
    if (code > 0x7f) return hashOfNormalized(name.trim().toLowerCase()); // the runtime's rules, beyond ASCII
    if (code >= 0x41 && code <= 0x5a) code += 0x20; // A-Z
    hash = Math.imul(hash ^ code, 0x01000193);
  }
  return hash;
}

function hashOfNormalized(name: string): number | undefined {
  if (name === '') return undefined;
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash;
}

/** Tab, line feed, vertical tab, form feed, carriage return, space: what trim() removes in ASCII. */
const isAsciiSpace = (code: number): boolean => code === 0x20 || (code >= 0x09 && code <= 0x0d);

/** Odd, so that the positions in a block differ. */
const stepOf = (hash: number): number => mix(hash ^ 0x9747b28c) | 1;

/** MurmurHash3's finalizer: every bit of the hash moves every bit of the result. */
function mix(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
