/**
 * Pure translations between the event store port and the KurrentDB client: expected revisions,
 * positions, filters, events, errors and append sizes. No I/O here, so every rule is unit-tested.
 */
import {
  ANY,
  ErrorType,
  NO_STREAM,
  START as CLIENT_START,
  STREAM_EXISTS,
  eventTypeFilter,
  excludeSystemEvents,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendStreamState,
  type EventData,
  type Filter,
  type JSONType,
  type ReadPosition,
  type ResolvedEvent,
} from '@kurrent/kurrentdb-client';
import { START, type EventMetadata, type ExpectedRevision, type LogFilter, type NewEvent, type RecordedEvent } from '../event-store.port';
import { matchesFilter, normalizeFilter } from '../internal/log-filter';

/** The server's default `MaxAppendSize`: 1 MiB for the events of one append. */
export const DEFAULT_MAX_APPEND_BYTES = 1024 * 1024;

/**
 * What one event costs beyond its data, metadata and type: id, content type and protobuf framing
 * (measured at well under 100 bytes; rounded up so an estimate never undershoots the server's).
 */
export const EVENT_OVERHEAD_BYTES = 128;

/**
 * Checkpoints live in streams of their own, `_checkpoint-<namespace><name>`, with system-typed
 * events (`$checkpoint`): `excludeSystemEvents()` and type filters drop them on the server, and the
 * adapter hides these streams from every read of the log, so storing a checkpoint never shows up in
 * `readAll`, `subscribe` or `headPosition` (as with the other adapters, which keep them in a table).
 */
export const CHECKPOINT_STREAM_PREFIX = '_checkpoint-';
export const CHECKPOINT_EVENT_TYPE = '$checkpoint';

// ---------------------------------------------------------------------------------------------
// Expected revisions and positions

/** 'any' | 'no-stream' | 'stream-exists' | n  →  ANY | NO_STREAM | STREAM_EXISTS | BigInt(n). */
export function toStreamState(expected: ExpectedRevision): AppendStreamState {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no-stream':
      return NO_STREAM;
    case 'stream-exists':
      return STREAM_EXISTS;
    default:
      if (!Number.isSafeInteger(expected) || expected < 0) {
        throw new TypeError(`An expected revision must be a non-negative integer, got ${expected}`);
      }
      return BigInt(expected);
  }
}

/**
 * A KurrentDB commit position as a port position (a number). Exact up to 2^53 - 1 bytes of log
 * (8 PiB): far beyond any single deployment; past it the adapter refuses rather than round.
 */
export function toPortPosition(commit: bigint): number {
  if (commit < 0n || commit > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`KurrentDB position ${commit} does not fit a port position (at most 2^53 - 1)`);
  }
  return Number(commit);
}

/**
 * A port position as a KurrentDB read position. Events appended through the gRPC API (one implicit
 * transaction per append) have commit = prepare = their own log position, so the pair is rebuilt
 * from the one number. START (0) is the beginning of the log.
 */
export function toReadPosition(position: number): ReadPosition {
  if (position <= START) return CLIENT_START;
  const value = BigInt(position);
  return { commit: value, prepare: value };
}

// ---------------------------------------------------------------------------------------------
// Stream names and filters

/** Maps port stream ids to server stream names under an optional namespace, and back. */
export class StreamNames {
  constructor(readonly namespace = '') {}

  toServer(streamId: string): string {
    return this.namespace + streamId;
  }

  checkpointStream(name: string): string {
    return `${CHECKPOINT_STREAM_PREFIX}${this.namespace}${name}`;
  }

  /** The port stream id of a server stream, or undefined when the port must not see it. */
  toPort(streamName: string): string | undefined {
    if (streamName.startsWith('$') || streamName.startsWith(CHECKPOINT_STREAM_PREFIX)) return undefined;
    if (!streamName.startsWith(this.namespace)) return undefined;
    return streamName.slice(this.namespace.length);
  }
}

const REGEX_SPECIALS = /[.*+?^${}()|[\]\\/]/g;

export function escapeRegex(text: string): string {
  return text.replace(REGEX_SPECIALS, '\\$&');
}

/**
 * The filter the server applies. KurrentDB filters on stream names or on event types, not both:
 * stream prefixes go to the server (they also carry the namespace) and event types are then
 * checked here; event types alone go to the server as an exact-match regex (`eventTypeFilter` only
 * knows prefixes and regexes); with neither, system events are excluded. The adapter checks the
 * whole filter again on every event it receives, so the server filter only saves traffic.
 */
export function toServerFilter(filter: LogFilter | undefined, names: StreamNames): Filter {
  const { streamPrefixes, eventTypes } = normalizeFilter(filter);
  const prefixes = streamPrefixes.length > 0 ? streamPrefixes.map((prefix) => names.toServer(prefix)) : names.namespace ? [names.namespace] : [];
  if (prefixes.length > 0) return streamNameFilter({ prefixes });
  if (eventTypes.length > 0) return eventTypeFilter({ regex: `^(?:${eventTypes.map(escapeRegex).join('|')})$` });
  return excludeSystemEvents();
}

// ---------------------------------------------------------------------------------------------
// Events

/** A port event as the client's JSON event data. The id is passed through: the server dedups by it. */
export function toEventData(event: NewEvent): EventData {
  return {
    id: event.id,
    contentType: 'application/json',
    type: event.type,
    // The client serializes with JSON.stringify; undefined data would serialize to nothing.
    data: (event.data === undefined ? null : event.data) as JSONType,
    metadata: event.metadata as JSONType | undefined,
  };
}

const utf8Length = (text: string) => Buffer.byteLength(text, 'utf8');

/** Bytes one event adds to an append, as the server counts them (rounded up). */
export function serializedSize(event: NewEvent): number {
  const data = JSON.stringify(event.data === undefined ? null : event.data) ?? 'null';
  const metadata = event.metadata === undefined ? '' : (JSON.stringify(event.metadata) ?? '');
  return utf8Length(data) + utf8Length(metadata) + utf8Length(event.type) + EVENT_OVERHEAD_BYTES;
}

/** One event is larger than a whole append may be. */
export class EventTooLargeError extends Error {
  override readonly name = 'EventTooLargeError';
  constructor(
    readonly streamId: string,
    readonly eventId: string,
    readonly size: number,
    readonly maxAppendBytes: number,
  ) {
    super(
      `Stream ${streamId}: event ${eventId} is ${size} bytes serialized, more than KurrentDB accepts in one append ` +
        `(MaxAppendSize ${maxAppendBytes} bytes). Keep large payloads in the blob store and reference them from the event.`,
    );
  }
}

/**
 * Splits an append into consecutive parts of at most `maxAppendBytes` each, in order. A single
 * event over the limit cannot be split: EventTooLargeError.
 */
export function splitForAppend(streamId: string, events: readonly NewEvent[], maxAppendBytes: number): NewEvent[][] {
  const parts: NewEvent[][] = [];
  let part: NewEvent[] = [];
  let partBytes = 0;
  for (const event of events) {
    const size = serializedSize(event);
    if (size > maxAppendBytes) throw new EventTooLargeError(streamId, event.id, size, maxAppendBytes);
    if (part.length > 0 && partBytes + size > maxAppendBytes) {
      parts.push(part);
      part = [];
      partBytes = 0;
    }
    part.push(event);
    partBytes += size;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

function toMetadata(metadata: unknown): EventMetadata {
  return metadata !== null && typeof metadata === 'object' && !Array.isArray(metadata) && !(metadata instanceof Uint8Array)
    ? (metadata as EventMetadata)
    : {};
}

/**
 * A client event as a port event, or undefined when the port must not see it: a link or a
 * system event, a stream outside the namespace or internal to the adapter, or one the filter skips.
 */
export function toRecordedEvent(
  resolved: ResolvedEvent | AllStreamResolvedEvent,
  names: StreamNames,
  filter?: LogFilter,
): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event || event.type.startsWith('$')) return undefined;
  const streamId = names.toPort(event.streamId);
  if (streamId === undefined) return undefined;
  if (filter && !matchesFilter({ streamId, type: event.type }, filter)) return undefined;
  return mapEvent(resolved, streamId);
}

/** Any client event (none hidden) as a port event of the given stream id; undefined for a missing event. */
export function mapEvent(resolved: ResolvedEvent | AllStreamResolvedEvent, streamId: string): RecordedEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  const commit = event.position?.commit ?? resolved.commitPosition;
  if (commit === undefined) {
    throw new Error(`KurrentDB returned event ${event.id} without a position: the server must be 22.6 or later`);
  }
  return {
    id: event.id,
    type: event.type,
    streamId,
    revision: Number(event.revision),
    position: toPortPosition(commit),
    data: event.data,
    metadata: toMetadata(event.metadata),
    recordedAt: event.created.toISOString(),
  };
}

/** The log position of any event read from $all, shown to the port or not. */
export function commitPositionOf(resolved: AllStreamResolvedEvent): number | undefined {
  const commit = resolved.event?.position.commit ?? resolved.link?.position.commit ?? resolved.commitPosition;
  return commit === undefined ? undefined : toPortPosition(commit);
}

// ---------------------------------------------------------------------------------------------
// Errors

function errorType(error: unknown): unknown {
  return error !== null && typeof error === 'object' ? (error as { type?: unknown }).type : undefined;
}

/** gRPC status codes: UNAVAILABLE and DEADLINE_EXCEEDED. */
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;

/**
 * Errors after which the same request may simply be sent again: the server could not be reached,
 * did not answer in time, or is not the leader (the client reconnects to the leader). Reads throw
 * the client's UnavailableError; appends against an unreachable server reject with a plain gRPC
 * error whose code is 14: both count.
 */
export function isTransient(error: unknown): boolean {
  const type = errorType(error);
  if (type === ErrorType.UNAVAILABLE || type === ErrorType.DEADLINE_EXCEEDED || type === ErrorType.NOT_LEADER || type === ErrorType.TIMEOUT) {
    return true;
  }
  const code = error !== null && typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
  return code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED;
}

export function isStreamNotFound(error: unknown): boolean {
  return errorType(error) === ErrorType.STREAM_NOT_FOUND;
}

export function isWrongExpectedVersion(error: unknown): error is { actualState: bigint | typeof NO_STREAM } {
  return errorType(error) === ErrorType.WRONG_EXPECTED_VERSION;
}

/** A WrongExpectedVersionError's current state as a port revision (undefined: no stream). */
export function actualRevision(error: { actualState: bigint | string }): number | undefined {
  return typeof error.actualState === 'bigint' ? Number(error.actualState) : undefined;
}

/** Errors a dropped subscription must not retry: they would fail the same way forever. */
export function isPermanentSubscriptionError(error: unknown): boolean {
  const type = errorType(error);
  return type === ErrorType.ACCESS_DENIED || type === ErrorType.INVALID_ARGUMENT || type === ErrorType.UNSUPPORTED;
}

/** The connection string without credentials, for messages and logs. */
export function redactConnectionString(connectionString: string): string {
  return connectionString.replace(/\/\/[^@/?]*@/, '//***@');
}
