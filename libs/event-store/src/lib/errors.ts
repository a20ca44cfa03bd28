import type { ExpectedRevision } from './event-store.port';

/** The stream was not in the state the writer expected: someone else wrote first. */
export class WrongExpectedRevisionError extends Error {
  override readonly name = 'WrongExpectedRevisionError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | undefined,
  ) {
    super(
      `Stream ${streamId}: expected ${describe(expected)}, but it is ${
        actual === undefined ? 'missing' : `at revision ${actual}`
      }`,
    );
  }
}

/** Some but not all of the appended event ids are already in the stream: a retry that does not match. */
export class PartialDuplicateAppendError extends Error {
  override readonly name = 'PartialDuplicateAppendError';
  constructor(readonly streamId: string) {
    super(`Stream ${streamId}: some of the appended event ids are already stored, others are not`);
  }
}

/** An appended event id is already stored in another stream: ids must be unique across the log. */
export class DuplicateEventIdError extends Error {
  override readonly name = 'DuplicateEventIdError';
  constructor(
    readonly streamId: string,
    readonly eventId: string,
    readonly existingStreamId: string,
  ) {
    super(`Stream ${streamId}: event id ${eventId} is already stored in stream ${existingStreamId}`);
  }
}

/** The store cannot be reached or used. */
export class EventStoreUnavailableError extends Error {
  override readonly name = 'EventStoreUnavailableError';
}

function describe(expected: ExpectedRevision): string {
  return typeof expected === 'number' ? `revision ${expected}` : expected;
}
