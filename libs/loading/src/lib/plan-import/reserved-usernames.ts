/**
 * The usernames a file gives explicitly, so that the username generated for a row that gives none
 * never takes one that a later row asks for (that row would be rejected, naming the earlier one).
 *
 * Kept as a list of 32-bit hashes of the names, because its one kind of error is harmless here: a
 * free name whose hash equals a reserved one's (at a million names, about 1 in 4,000) is passed
 * over, and the generator tries the next suffix. 4 bytes a name (4 MB for a million, where an
 * exact map of them would add about 60 MB to the planner's peak). Filling it only appends, so it
 * costs the claims thread little beside parsing the records (a Bloom filter, setting bits at random
 * in a table the parsing keeps evicting from the cache, cost it 0.6 µs a name); the list crosses
 * from that thread as one typed array, and is sorted when first looked up. Names compare as the
 * directory compares them (`matchKey`: trimmed, lower-cased).
 */
export class ReservedUsernames {
  private constructor(
    private table: Uint32Array,
    private count: number,
    private sorted: boolean,
  ) {}

  /** An empty list with room for `names` names (it grows if more come). */
  static forNames(names: number): ReservedUsernames {
    // Not sorted: the first look-up cuts the table to its names (unused slots hold 0, a hash too).
    return new ReservedUsernames(new Uint32Array(Math.max(1, names)), 0, false);
  }

  /** The list whose `hashes()` another thread took. */
  static fromHashes(hashes: Uint32Array): ReservedUsernames {
    return new ReservedUsernames(hashes, hashes.length, false);
  }

  /** Reserves a row's username; a row without one reserves nothing. */
  add(username: string | null | undefined): void {
    const hash = username ? hashOfName(username) : undefined;
    if (hash === undefined) return;
    if (this.count === this.table.length) {
      const larger = new Uint32Array(Math.max(16, this.table.length * 2));
      larger.set(this.table);
      this.table = larger;
    }
    this.table[this.count++] = hash;
    this.sorted = false;
  }

  /** The hashes of the names reserved, in an array of their own: what crosses between threads. */
  hashes(): Uint32Array {
    if (this.table.length !== this.count) this.table = this.table.slice(0, this.count);
    return this.table;
  }

  /** False when no row gives this username; true when one does, or (rarely) when none does. */
  mayHold(username: string): boolean {
    const hash = hashOfName(username);
    if (hash === undefined) return false;
    if (!this.sorted) {
      // Sorted when first looked up, not as filled: a file whose every row gives a username never is.
      this.hashes().sort();
      this.sorted = true;
    }
    const hashes = this.table;
    let low = 0;
    let high = hashes.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      if (hashes[middle] === hash) return true;
      if (hashes[middle] < hash) low = middle + 1;
      else high = middle - 1;
    }
    return false;
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
  let hash = FNV_OFFSET;
  for (let i = start; i < end; i++) {
    let code = name.charCodeAt(i);
    if (code > 0x7f) return hashOfNormalized(name.trim().toLowerCase()); // the runtime's rules, beyond ASCII
    if (code >= 0x41 && code <= 0x5a) code += 0x20; // A-Z
    hash = Math.imul(hash ^ code, FNV_PRIME);
  }
  return hash >>> 0;
}

function hashOfNormalized(name: string): number | undefined {
  if (name === '') return undefined;
  let hash = FNV_OFFSET;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), FNV_PRIME);
  return hash >>> 0;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Tab, line feed, vertical tab, form feed, carriage return, space: what trim() removes in ASCII. */
const isAsciiSpace = (code: number): boolean => code === 0x20 || (code >= 0x09 && code <= 0x0d);
