import { hash } from 'node:crypto';

/** The namespace of every id made by `deterministicId`: a fixed, random UUID of this project. */
export const DIRSYNC_ID_NAMESPACE = '9b6f3c2e-41d7-4a8e-b5f0-7c1d2e3a4b5c';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DIRSYNC_NAMESPACE_BYTES = uuidBytes(DIRSYNC_ID_NAMESPACE);

/** A name-based UUID (version 5, RFC 9562): the same namespace and name always give the same id. */
export function uuidV5(namespace: string, name: string): string {
  const bytes = nameHash(namespace, name);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC variant
  return formatUuid(bytes);
}

/** SHA-1 of the namespace's 16 bytes and the name, as RFC 9562 hashes for version 5. */
function nameHash(namespace: string, name: string): Buffer {
  const namespaceBytes = namespace === DIRSYNC_ID_NAMESPACE ? DIRSYNC_NAMESPACE_BYTES : uuidBytes(namespace);
  // The one-shot hash: a Hash object per id cost more than hashing its few dozen bytes.
  return hash('sha1', Buffer.concat([namespaceBytes, Buffer.from(name, 'utf8')]), 'buffer').subarray(0, 16);
}

function uuidBytes(uuid: string): Buffer {
  if (!UUID.test(uuid)) throw new TypeError(`Not a UUID: ${uuid}`);
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A stable event id from what identifies the event (e.g. import id, row number), so a retried step
 * produces the same ids and the store drops the duplicates. Numbers count as their decimal text.
 * The parts are encoded as a JSON array, so no choice of parts can collide with another
 * (["a|b"] and ["a", "b"] differ).
 */
export function deterministicId(...parts: (string | number)[]): string {
  return uuidV5(DIRSYNC_ID_NAMESPACE, JSON.stringify(parts.map(String)));
}

/** The largest sequence a `sequentialId` can carry (32 bits). */
export const MAX_ID_SEQUENCE = 0xffff_ffff;

/**
 * A stable id, like `deterministicId`, that sorts by its scope and then by `sequence`: the users an
 * import creates and their events, numbered by row. Stored in that order, they are appended at the
 * end of the store's indexes (event ids, streams, the directory's user ids) instead of at random
 * pages; with random ids a commit of 20,000 events rewrote most leaf pages of those indexes.
 *
 * A UUID version 8 (RFC 9562 §5.8, a layout of our own): the first 48 bits of `scope` (a version 7
 * import id: its creation time, so later imports sort later), then `sequence` as 32 bits around
 * the version and variant bits, then 42 bits of a hash of scope, sequence and parts. Two ids can
 * only meet if two scopes share their first 48 bits (two imports requested in the same
 * millisecond) and the same sequence, and then their 42 hash bits would have to agree too.
 */
export function sequentialId(scope: string, sequence: number, ...parts: (string | number)[]): string {
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > MAX_ID_SEQUENCE) {
    throw new RangeError(`An id sequence is a whole number from 0 to ${MAX_ID_SEQUENCE}, got ${sequence}`);
  }
  const lowerScope = checkedScope(scope);
  // Each part prefixed with its length: no choice of parts can spell another's name.
  let name = `${lowerScope}:${sequence}`;
  for (const part of parts) {
    const text = String(part);
    name += `|${text.length}:${text}`;
  }
  const [high, low] = hash42(name);
  const versioned = 0x8000 | (sequence >>> 20); // version 8, then sequence bits 31–20
  const variant = 0x8000 | ((sequence >>> 6) & 0x3fff); // RFC variant (binary 10), then bits 19–6
  const tail = ((sequence & 0x3f) << 10) | high; // bits 5–0, then the hash's high bits, then its low 32
  return `${lowerScope.slice(0, 13)}-${hex16(versioned)}-${hex16(variant)}-${hex16(tail)}${hex16(low >>> 16)}${hex16(low & 0xffff)}`;
}

/** The scope sequentialId checked last, and its lower case: an import makes millions of ids in one scope. */
let lastScope: { scope: string; lower: string } | undefined;

function checkedScope(scope: string): string {
  if (scope !== lastScope?.scope) {
    if (!UUID.test(scope)) throw new TypeError(`Not a UUID: ${scope}`);
    lastScope = { scope, lower: scope.toLowerCase() };
  }
  return lastScope.lower;
}

// By table: Number#toString(16) is slow for values beyond small integers.
const BYTE_HEX = Array.from({ length: 256 }, (_, n) => n.toString(16).padStart(2, '0'));
const hex16 = (value: number): string => BYTE_HEX[(value >>> 8) & 0xff] + BYTE_HEX[value & 0xff];

/**
 * 42 well-mixed bits of a text, as its high 10 and low 32: FNV-1a over its UTF-16 units with two
 * different offsets, each finished by MurmurHash3's 32-bit mix. Not cryptographic: it only has
 * to tell apart the names of different imports, which differ in their random import ids, and it
 * costs a fraction of a SHA-1 through node:crypto (planning makes two ids a row).
 */
function hash42(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x01000193);
  }
  return [mix32(b) & 0x3ff, mix32(a)];
}

function mix32(value: number): number {
  let h = value ^ (value >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
