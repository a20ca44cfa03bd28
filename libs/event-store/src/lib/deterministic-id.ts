import { createHash } from 'node:crypto';

/** The namespace of every id made by `deterministicId`: a fixed, random UUID of this project. */
export const DIRSYNC_ID_NAMESPACE = '9b6f3c2e-41d7-4a8e-b5f0-7c1d2e3a4b5c';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A name-based UUID (version 5, RFC 9562): the same namespace and name always give the same id. */
export function uuidV5(namespace: string, name: string): string {
  const bytes = nameHash(namespace, name);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC variant
  return formatUuid(bytes);
}

function nameHash(namespace: string, name: string): Buffer {
  if (!UUID.test(namespace)) throw new TypeError(`Not a UUID: ${namespace}`);
  return createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
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
 * import id: its creation time, so later imports sort later), then `sequence` as 32 bits, then 42
 * bits of the name-based hash of scope, sequence and parts. Two ids can only meet if two scopes
 * share their first 48 bits (two imports requested in the same millisecond) with the same sequence,
 * and then their 42 hash bits would have to agree too.
 */
export function sequentialId(scope: string, sequence: number, ...parts: (string | number)[]): string {
  if (!Number.isInteger(sequence) || sequence < 0 || sequence > MAX_ID_SEQUENCE) {
    throw new RangeError(`An id sequence is a whole number from 0 to ${MAX_ID_SEQUENCE}, got ${sequence}`);
  }
  if (!UUID.test(scope)) throw new TypeError(`Not a UUID: ${scope}`);
  const hash = nameHash(DIRSYNC_ID_NAMESPACE, JSON.stringify([scope, sequence, ...parts].map(String)));
  const bytes = Buffer.alloc(16);
  Buffer.from(scope.replace(/-/g, '').slice(0, 12), 'hex').copy(bytes, 0);
  // Sequence bits go around the version and variant bits, high bits first, so the hex text sorts by them.
  bytes[6] = 0x80 | (sequence >>> 28); // version 8, then 4 bits
  bytes[7] = (sequence >>> 20) & 0xff;
  bytes[8] = 0x80 | ((sequence >>> 14) & 0x3f); // RFC variant, then 6 bits
  bytes[9] = (sequence >>> 6) & 0xff;
  bytes[10] = ((sequence & 0x3f) << 2) | (hash[0] & 0x03);
  hash.copy(bytes, 11, 1, 6);
  return formatUuid(bytes);
}
