/**
 * The event store port. Every adapter (SQLite, in-memory, KurrentDB) implements it and passes
 * the shared contract suite in `event-store.contract.ts`.
 *
 * Revisions are 0-based per stream, like KurrentDB. Positions are global, strictly increasing
 * and start at 1; a read or subscription "from position p" returns events strictly after p,
 * so 0 (START) means "from the beginning".
 */

/** Token for injecting the configured EventStore. */
export const EVENT_STORE = Symbol('EVENT_STORE');

export const START = 0;

/** What the writer believes about the stream it appends to. A number is the exact current revision. */
export type ExpectedRevision = 'any' | 'no-stream' | 'stream-exists' | number;

export type EventMetadata = Record<string, unknown>;

export interface NewEvent<Data = unknown> {
  /** Unique, and deterministic where a retry must not duplicate (a UUID). */
  id: string;
  type: string;
  data: Data;
  metadata?: EventMetadata;
}

export interface RecordedEvent<Data = unknown> {
  id: string;
  type: string;
  streamId: string;
  /** 0-based revision within the stream. */
  revision: number;
  /** Global position in the log, strictly increasing, starting at 1. */
  position: number;
  data: Data;
  metadata: EventMetadata;
  /** ISO-8601 time the store recorded the event. */
  recordedAt: string;
}

export interface AppendRequest {
  streamId: string;
  events: NewEvent[];
  expectedRevision?: ExpectedRevision;
}

/**
 * For an idempotent re-append, the result of the original append (revision and position of the
 * request's last event), even if the stream has moved on since. An append of no events only checks
 * `expectedRevision` and returns the stream's current state (-1 and START for a missing stream).
 */
export interface AppendResult {
  streamId: string;
  /** Revision of the last event of the stream after the append. */
  nextRevision: number;
  /** Global position of the last event written (or found, for an idempotent re-append). */
  position: number;
}

/** An absent or empty list does not restrict. */
export interface LogFilter {
  /** Keep events whose stream id starts with one of these prefixes (e.g. "import-"). */
  streamPrefixes?: string[];
  /** Keep events whose type is one of these. */
  eventTypes?: string[];
}

export interface ReadStreamOptions {
  /** First revision to return (inclusive). Default 0. */
  fromRevision?: number;
  /** At most this many events are returned. */
  maxCount?: number;
  /**
   * Only events of these types; the others are skipped with their revisions (no renumbering). A
   * store that can filter before decoding spares the caller large events it does not need.
   */
  eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive start position. Default START. */
  fromPosition?: number;
  filter?: LogFilter;
  maxCount?: number;
}

export interface HeadPositionOptions {
  /** Only events this filter keeps count. */
  filter?: LogFilter;
  /** Look only after this position, which is the answer when no event after it counts. Default START. */
  fromPosition?: number;
}

export interface SubscribeOptions {
  /** Exclusive start position. Default START. */
  fromPosition?: number;
  filter?: LogFilter;
  /** Called once when every event stored at subscription time has been handled. */
  onCaughtUp?: () => void;
  /**
   * Called when the subscription stops because the handler or the store failed. Without it, the
   * failure surfaces as an unhandled promise rejection rather than being lost.
   */
  onError?: (error: Error) => void;
}

export interface Subscription {
  /**
   * Stops delivery; resolves once the handler is no longer running. A handler that stops its own
   * subscription must not await this (it would wait for itself).
   */
  stop(): Promise<void>;
}

export type EventHandler = (event: RecordedEvent) => Promise<void> | void;

export interface EventStore {
  /**
   * Appends events to one stream, atomically. Throws WrongExpectedRevisionError when the stream's
   * state does not match `expectedRevision` (default 'any'). Re-appending events whose ids are all
   * already in the stream writes nothing and returns where they are (idempotent retry); when only
   * some are, it throws PartialDuplicateAppendError. Adapters that know every id of the log (SQLite,
   * in-memory) throw DuplicateEventIdError for an id stored in another stream.
   */
  append(streamId: string, events: NewEvent[], expectedRevision?: ExpectedRevision): Promise<AppendResult>;

  /**
   * Appends to several streams. Each request is checked and idempotent as with `append`.
   * Adapters that can (SQLite) write the whole batch in one transaction; others append in order.
   * On a conflict the error names the stream, and requests before it may already be written.
   */
  appendBatch(requests: AppendRequest[]): Promise<AppendResult[]>;

  /** Events of one stream in revision order; a missing stream reads as empty. */
  readStream(streamId: string, options?: ReadStreamOptions): AsyncIterable<RecordedEvent>;

  /** Current revision of a stream, or undefined when it does not exist. */
  streamRevision(streamId: string): Promise<number | undefined>;

  /** Events of the whole log in position order, after `fromPosition`, filtered. */
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;

  /**
   * Position of the last event in the log (START when empty). With options: of the last event the
   * filter keeps after `fromPosition`, or `fromPosition` when there is none. A store that can
   * filter without decoding (SQLite, KurrentDB reading backwards) answers without reading events.
   */
  headPosition(options?: HeadPositionOptions): Promise<number>;

  /**
   * Catch-up subscription to the whole log: delivers stored events after `fromPosition`, then new
   * ones as they are appended (by this or another process), one at a time and in order. The next
   * event is delivered only after the handler's promise resolves.
   */
  subscribe(handler: EventHandler, options?: SubscribeOptions): Subscription;

  /** Named consumer checkpoints (e.g. a stage's last handled position). */
  readCheckpoint(name: string): Promise<number | undefined>;
  storeCheckpoint(name: string, position: number): Promise<void>;

  /** Releases connections, stops subscriptions. */
  close(): Promise<void>;
}
