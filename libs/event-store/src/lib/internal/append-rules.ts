import { DuplicateEventIdError, PartialDuplicateAppendError, WrongExpectedRevisionError } from '../errors';
import type { ExpectedRevision, NewEvent } from '../event-store.port';

/** Where an event id is already stored. */
export interface StoredEventRef {
  streamId: string;
  revision: number;
  position: number;
}

/** Rejects requests no adapter could store sensibly, before anything is written. */
export function assertValidAppend(streamId: string, events: readonly NewEvent[]): void {
  if (typeof streamId !== 'string' || streamId === '') throw new TypeError('A stream id must be a non-empty string');
  const ids = new Set<string>();
  for (const event of events) {
    if (typeof event.id !== 'string' || event.id === '') {
      throw new TypeError(`Stream ${streamId}: every event needs a non-empty string id`);
    }
    if (typeof event.type !== 'string' || event.type === '') {
      throw new TypeError(`Stream ${streamId}: event ${event.id} needs a non-empty type`);
    }
    // A repeated id inside one request could never be re-appended idempotently.
    if (ids.has(event.id)) throw new TypeError(`Stream ${streamId}: event id ${event.id} appears twice in one append`);
    ids.add(event.id);
  }
}

/** Whether a stream whose last revision is `current` (undefined: missing) satisfies `expected`. */
export function satisfiesExpectedRevision(expected: ExpectedRevision, current: number | undefined): boolean {
  return (
    expected === 'any' ||
    (expected === 'no-stream' && current === undefined) ||
    (expected === 'stream-exists' && current !== undefined) ||
    (typeof expected === 'number' && expected === current)
  );
}

/** Throws unless a stream whose last revision is `current` (undefined: missing) satisfies `expected`. */
export function assertExpectedRevision(
  streamId: string,
  expected: ExpectedRevision,
  current: number | undefined,
): void {
  if (!satisfiesExpectedRevision(expected, current)) throw new WrongExpectedRevisionError(streamId, expected, current);
}

/**
 * Decides whether an append is a retry of one already stored, given where each of its ids is
 * stored (undefined: new). Returns the stored last event when all are already in this stream,
 * undefined when none is stored, and throws for anything in between.
 */
export function findIdempotentRetry(
  streamId: string,
  events: readonly NewEvent[],
  stored: readonly (StoredEventRef | undefined)[],
): StoredEventRef | undefined {
  let storedCount = 0;
  stored.forEach((ref, index) => {
    if (!ref) return;
    if (ref.streamId !== streamId) throw new DuplicateEventIdError(streamId, events[index].id, ref.streamId);
    storedCount++;
  });
  if (storedCount === 0) return undefined;
  if (storedCount < events.length) throw new PartialDuplicateAppendError(streamId);
  // The original append's result is where its last event landed.
  return (stored as StoredEventRef[]).reduce((last, ref) => (ref.revision > last.revision ? ref : last));
}
