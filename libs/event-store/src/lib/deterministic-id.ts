import { createHash } from 'node:crypto';

/** The namespace of every id made by `deterministicId`: a fixed, random UUID of this project. */
export const DIRSYNC_ID_NAMESPACE = '9b6f3c2e-41d7-4a8e-b5f0-7c1d2e3a4b5c';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A name-based UUID (version 5, RFC 9562): the same namespace and name always give the same id. */
export function uuidV5(namespace: string, name: string): string {
  if (!UUID.test(namespace)) throw new TypeError(`Not a UUID: ${namespace}`);
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50; // version 5
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC variant
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
