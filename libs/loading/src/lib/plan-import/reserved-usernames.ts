const BITS_PER_NAME = 10;
/** Bit positions per name: with 10 bits a name, 7 gives the fewest false positives (about 0.8 %). */
const POSITIONS = 7;

/**
 * The usernames a file gives explicitly, so that the username generated for a row that gives none
 * never takes one that a later row asks for (that row would be rejected, naming the earlier one).
 *
 * A Bloom filter, because its one kind of error is harmless here: a free name it wrongly reports
 * as reserved is passed over, and the generator tries the next suffix. About 10 bits a name (1.2 MB
 * for a million, where an exact map of them would add about 60 MB to the planner's peak), and its
 * bits are one typed array, which the claims thread fills and hands over whole. Names compare as
 * the directory compares them (`matchKey`: trimmed, lower-cased).
 */
export class ReservedUsernames {
  private readonly size: number;

  private constructor(readonly bits: Uint32Array) {
    this.size = bits.length * 32;
  }

  /** An empty filter sized for up to `names` names. */
  static forNames(names: number): ReservedUsernames {
    return new ReservedUsernames(new Uint32Array(Math.max(2, Math.ceil((names * BITS_PER_NAME) / 32))));
  }

  /** The filter whose bits another thread filled (see `bits`). */
  static fromBits(bits: Uint32Array): ReservedUsernames {
    return new ReservedUsernames(bits);
  }

  /** Reserves a row's username; a row without one reserves nothing. */
  add(username: string | null | undefined): void {
    const name = normalized(username);
    if (!name) return;
    const hash = fnv1a(name);
    const step = stepOf(hash);
    let position = mix(hash);
    for (let i = 0; i < POSITIONS; i++) {
      const at = position % this.size;
      this.bits[at >>> 5] |= 1 << (at & 31);
      position = (position + step) >>> 0;
    }
  }

  /** False when no row gives this username; true when one does, or (rarely) when none does. */
  mayHold(username: string): boolean {
    const name = normalized(username);
    if (!name) return false;
    const hash = fnv1a(name);
    const step = stepOf(hash);
    let position = mix(hash);
    for (let i = 0; i < POSITIONS; i++) {
      const at = position % this.size;
      if ((this.bits[at >>> 5] & (1 << (at & 31))) === 0) return false;
      position = (position + step) >>> 0;
    }
    return true;
  }
}

/**
 * Positions by double hashing: the first and the distance between them are both mixed from one
 * FNV-1a hash of the name, so that each character is hashed once.
 */
function fnv1a(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193);
  return hash;
}

/** Never 0, so that the positions move. */
const stepOf = (hash: number): number => (mix(hash ^ 0x9747b28c) | 1) >>> 0;

/** MurmurHash3's finalizer: every bit of the hash moves every bit of the result. */
function mix(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

const normalized = (username: string | null | undefined): string => (username ? username.trim().toLowerCase() : '');
