import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { BACKWARDS, END, KurrentDBClient, type AppendResult as ClientAppendResult } from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, PartialDuplicateAppendError, WrongExpectedRevisionError } from '../errors';
import {
  START,
  type AppendRequest,
  type AppendResult,
  type EventHandler,
  type EventStore,
  type ExpectedRevision,
  type HeadPositionOptions,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';
import { assertExpectedRevision, assertValidAppend } from '../internal/append-rules';
import type { KurrentDbClientLike } from './kurrentdb-client-like';
import {
  CHECKPOINT_EVENT_TYPE,
  DEFAULT_MAX_APPEND_BYTES,
  StreamNames,
  actualRevision,
  commitPositionOf,
  isStreamNotFound,
  isWrongExpectedVersion,
  mapEvent,
  redactConnectionString,
  splitForAppend,
  toEventData,
  toPortPosition,
  toReadPosition,
  toRecordedEvent,
  toServerFilter,
  toStreamState,
} from './kurrentdb-mapping';
import { KurrentDbSubscription, type ResubscribePolicy } from './kurrentdb-subscription';
import { LiveSubscriptions } from '../internal/live-subscriptions';
import { DEFAULT_RETRY_POLICY, Retrier, describeError, type RetryPolicy } from './retry';

export interface KurrentDbEventStoreOptions {
  /**
   * Prefix of every stream this store writes and the only streams it reads, e.g. "staging-". Lets
   * several deployments or test runs share one server. Default: none (the whole log).
   */
  namespace?: string;
  /** Bytes one append may carry: the server's MaxAppendSize. Default 1 MiB (the server's default). */
  maxAppendBytes?: number;
  /** Tries for a request that failed because the server was unavailable or too slow. */
  retry?: Partial<RetryPolicy>;
  /** Backoff between resubscriptions after a subscription dropped. */
  resubscribe?: Partial<ResubscribePolicy>;
  /** Events a subscription queues for its handler before it pauses the server stream. Default 256. */
  subscriptionBuffer?: number;
  /** Retries and subscription drops. Default: a Nest Logger warning. */
  onWarning?: (message: string) => void;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The event store port over KurrentDB (formerly EventStoreDB) through `@kurrent/kurrentdb-client`.
 *
 * - Expected revisions map to the append's `streamState`; WrongExpectedVersionError becomes
 *   WrongExpectedRevisionError. Event ids (UUIDs) are passed through, so the server recognises a
 *   retry: reliably when it carries the exact expected revision it was decided on, best effort with
 *   'any'. An 'any' retry whose ids are only partly stored is PartialDuplicateAppendError; the
 *   server does not index ids log-wide, so DuplicateEventIdError is never raised here.
 * - A request that fails because the server is unavailable (UnavailableError, or a plain gRPC error
 *   with code 14 from appends) or too slow (DeadlineExceeded) is sent again unchanged, same events
 *   and same expected revision, with exponential backoff; after the last try it throws
 *   EventStoreUnavailableError.
 * - Positions are commit positions (bytes into the log), exact as numbers up to 2^53 - 1. Reads and
 *   subscriptions start strictly after the given position.
 * - Appends larger than MaxAppendSize are split into consecutive appends, each carrying the exact
 *   revision the previous part left: a split append is NOT atomic (a crash can leave the first parts
 *   written), but re-appending the same events completes it, since every part is idempotent by id.
 * - appendBatch appends request by request, in order: not atomic across streams (the port allows it).
 * - Checkpoints are events in streams of their own (see CHECKPOINT_STREAM_PREFIX), hidden from reads
 *   of the log and truncated to the last one by `$maxCount`.
 */
export class KurrentDbEventStore implements EventStore {
  private readonly client: KurrentDbClientLike;
  private readonly ownsClient: boolean;
  private readonly where: string;
  private readonly names: StreamNames;
  private readonly maxAppendBytes: number;
  private readonly retrier: Retrier;
  private readonly resubscribe: ResubscribePolicy;
  private readonly subscriptionBuffer: number;
  private readonly warn: (message: string) => void;
  private readonly subscriptions = new LiveSubscriptions<KurrentDbSubscription>();
  private closed = false;

  /**
   * From a connection string (`kurrentdb://host:2113?tls=false`): the store creates the process's
   * client and disposes of it on close(). Or from a client (the real one, or a test double): the
   * caller keeps ownership of it.
   */
  constructor(connection: string | KurrentDbClientLike, options: KurrentDbEventStoreOptions = {}) {
    if (typeof connection === 'string') {
      this.client = KurrentDBClient.connectionString(connection);
      this.ownsClient = true;
      this.where = redactConnectionString(connection);
    } else {
      this.client = connection;
      this.ownsClient = false;
      this.where = 'the configured client';
    }
    this.names = new StreamNames(options.namespace ?? '');
    this.maxAppendBytes = options.maxAppendBytes ?? DEFAULT_MAX_APPEND_BYTES;
    const logger = new Logger('KurrentDbEventStore');
    this.warn = options.onWarning ?? ((message) => logger.warn(message));
    this.retrier = new Retrier({ ...DEFAULT_RETRY_POLICY, ...options.retry }, this.where, this.warn);
    this.resubscribe = { initialDelayMs: 200, maxDelayMs: 5000, ...options.resubscribe };
    this.subscriptionBuffer = options.subscriptionBuffer ?? 256;
  }

  /**
   * Fails with EventStoreUnavailableError, naming the server, when it cannot be reached or the
   * log cannot be read (after the usual retries). Call it at startup: the client itself connects
   * lazily, on the first request.
   */
  async verifyConnection(): Promise<void> {
    this.assertOpen();
    try {
      await this.withRetry('connecting', async () => {
        for await (const _event of this.client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) break;
      });
    } catch (error) {
      if (error instanceof EventStoreUnavailableError) throw error;
      const reason = describeError(error);
      throw new EventStoreUnavailableError(`Cannot use KurrentDB at ${this.where}: ${reason}`, { cause: error });
    }
  }

  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision = 'any'): Promise<AppendResult> {
    this.assertOpen();
    assertValidAppend(streamId, events);
    for (const event of events) {
      if (!UUID.test(event.id)) throw new TypeError(`Stream ${streamId}: KurrentDB needs UUID event ids, got ${event.id}`);
    }
    if (events.length === 0) return this.checkOnly(streamId, expectedRevision);

    let expected = expectedRevision;
    let result: AppendResult | undefined;
    for (const part of splitForAppend(streamId, events, this.maxAppendBytes)) {
      result = await this.appendPart(streamId, part, expected);
      expected = result.nextRevision;
    }
    return result as AppendResult;
  }

  async appendBatch(requests: AppendRequest[]): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    for (const request of requests) {
      results.push(await this.append(request.streamId, request.events, request.expectedRevision));
    }
    return results;
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    let fromRevision = Math.max(0, options.fromRevision ?? 0);
    let remaining = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    let failures = 0;
    while (remaining > 0) {
      try {
        const maxCount = options.eventTypes ? Number.MAX_SAFE_INTEGER : remaining;
        const read = this.client.readStream(this.names.toServer(streamId), { fromRevision: BigInt(fromRevision), maxCount });
        for await (const resolved of read) {
          const event = toRecordedEvent(resolved, this.names);
          if (!event) continue;
          failures = 0;
          fromRevision = event.revision + 1;
          // The server reads streams whole: a type filter is applied here, after decoding.
          if (options.eventTypes && !options.eventTypes.includes(event.type)) continue;
          remaining--;
          yield event;
          if (remaining <= 0) return;
        }
        return;
      } catch (error) {
        if (isStreamNotFound(error)) return;
        // Resumes after the last event yielded.
        failures = await this.retrier.afterFailure(error, failures, `reading stream ${streamId}`);
      }
    }
  }

  async streamRevision(streamId: string): Promise<number | undefined> {
    return (await this.lastEventOf(this.names.toServer(streamId)))?.revision;
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const filter = toServerFilter(options.filter, this.names);
    let position = options.fromPosition ?? START;
    let remaining = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    let failures = 0;
    while (remaining > 0) {
      try {
        for await (const resolved of this.client.readAll({ fromPosition: toReadPosition(position), filter })) {
          const eventPosition = commitPositionOf(resolved);
          // Reads of $all include the event at the start position: the port's start is exclusive.
          if (eventPosition === undefined || eventPosition <= position) continue;
          position = eventPosition;
          const event = toRecordedEvent(resolved, this.names, options.filter);
          if (!event) continue;
          failures = 0;
          remaining--;
          yield event;
          if (remaining <= 0) return;
        }
        return;
      } catch (error) {
        failures = await this.retrier.afterFailure(error, failures, 'reading $all');
      }
    }
  }

  /** Position of the last event the port can see and the filter keeps, read backwards from the end. */
  async headPosition(options: HeadPositionOptions = {}): Promise<number> {
    this.assertOpen();
    const from = options.fromPosition ?? START;
    const filter = toServerFilter(options.filter, this.names);
    return this.withRetry('reading the head of $all', async () => {
      for await (const resolved of this.client.readAll({ direction: BACKWARDS, fromPosition: END, filter })) {
        const position = commitPositionOf(resolved);
        if (position !== undefined && position <= from) return from;
        const event = toRecordedEvent(resolved, this.names, options.filter);
        if (event) return event.position;
      }
      return from;
    });
  }

  subscribe(handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    return this.subscriptions.add(
      (onStopped) =>
        new KurrentDbSubscription(this.client, handler, options, {
          serverFilter: toServerFilter(options.filter, this.names),
          toEvent: (resolved) => toRecordedEvent(resolved, this.names, options.filter),
          resubscribe: this.resubscribe,
          highWaterMark: this.subscriptionBuffer,
          onWarning: this.warn,
          onStopped,
        }),
    );
  }

  async readCheckpoint(name: string): Promise<number | undefined> {
    const last = await this.lastEventOf(this.names.checkpointStream(name));
    const position = (last?.data as { position?: unknown } | undefined)?.position;
    return typeof position === 'number' ? position : undefined;
  }

  /**
   * Appends a `$checkpoint` event to the checkpoint's stream. The first one also sets the stream's
   * `$maxCount` to 1, so the server drops the older ones at its next scavenge.
   */
  async storeCheckpoint(name: string, position: number): Promise<void> {
    this.assertOpen();
    const stream = this.names.checkpointStream(name);
    const event = toEventData({ id: randomUUID(), type: CHECKPOINT_EVENT_TYPE, data: { position } });
    const result = await this.withRetry(`storing checkpoint ${name}`, () => this.client.appendToStream(stream, [event]));
    if (result.nextExpectedRevision === 0n) {
      await this.withRetry(`limiting checkpoint stream ${name}`, () => this.client.setStreamMetadata(stream, { maxCount: 1 }));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.subscriptions.stopAll();
    if (this.ownsClient) await this.client.dispose();
  }

  // -------------------------------------------------------------------------------------------

  /** One append of at most maxAppendBytes, retried unchanged while the server is unavailable. */
  private async appendPart(streamId: string, events: NewEvent[], expected: ExpectedRevision): Promise<AppendResult> {
    const stream = this.names.toServer(streamId);
    // Built once: every retry sends the very same events with the very same expected revision.
    const data = events.map(toEventData);
    const streamState = toStreamState(expected);
    let failures = 0;
    for (;;) {
      let written: ClientAppendResult;
      try {
        written = await this.client.appendToStream(stream, data, { streamState });
      } catch (error) {
        if (isWrongExpectedVersion(error)) throw await this.conflict(streamId, events, expected, actualRevision(error));
        failures = await this.retrier.afterFailure(error, failures, `appending to ${streamId}`);
        continue;
      }
      const nextRevision = Number(written.nextExpectedRevision);
      // An idempotent re-append is answered without a position: look up where the events are.
      const position = written.position
        ? toPortPosition(written.position.commit)
        : ((await this.eventAt(stream, nextRevision))?.position ?? START);
      return { streamId, nextRevision, position };
    }
  }

  /**
   * The server reports a retry whose ids are only partly stored as a wrong expected version; tell
   * it apart from a real conflict. With 'any' a conflict is impossible, so it can only be that.
   */
  private async conflict(streamId: string, events: NewEvent[], expected: ExpectedRevision, actual: number | undefined): Promise<Error> {
    if (expected === 'any') return new PartialDuplicateAppendError(streamId);
    if (actual !== undefined && (typeof expected === 'number' || expected === 'no-stream')) {
      const ids = new Set(events.map((event) => event.id));
      let stored = 0;
      const fromRevision = expected === 'no-stream' ? 0 : expected + 1;
      for await (const event of this.readStream(streamId, { fromRevision, maxCount: events.length })) {
        if (ids.has(event.id)) stored++;
      }
      if (stored > 0 && stored < events.length) return new PartialDuplicateAppendError(streamId);
    }
    return new WrongExpectedRevisionError(streamId, expected, actual);
  }

  /** An append of no events: only the expected revision is checked, against the stream's last event. */
  private async checkOnly(streamId: string, expected: ExpectedRevision): Promise<AppendResult> {
    const last = await this.lastEventOf(this.names.toServer(streamId));
    assertExpectedRevision(streamId, expected, last?.revision);
    return { streamId, nextRevision: last?.revision ?? -1, position: last?.position ?? START };
  }

  private async lastEventOf(stream: string): Promise<RecordedEvent | undefined> {
    this.assertOpen();
    return this.firstOf(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 }, `reading the end of ${stream}`);
  }

  private async eventAt(stream: string, revision: number): Promise<RecordedEvent | undefined> {
    return this.firstOf(stream, { fromRevision: BigInt(revision), maxCount: 1 }, `reading ${stream}@${revision}`);
  }

  private firstOf(
    stream: string,
    options: Parameters<KurrentDbClientLike['readStream']>[1],
    operation: string,
  ): Promise<RecordedEvent | undefined> {
    return this.withRetry(operation, async () => {
      try {
        for await (const resolved of this.client.readStream(stream, options)) {
          const event = mapEvent(resolved, stream);
          if (event) return event;
        }
        return undefined;
      } catch (error) {
        if (isStreamNotFound(error)) return undefined;
        throw error;
      }
    });
  }

  private async withRetry<T>(operation: string, call: () => Promise<T>): Promise<T> {
    let failures = 0;
    for (;;) {
      try {
        return await call();
      } catch (error) {
        failures = await this.retrier.afterFailure(error, failures, operation);
      }
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('The event store is closed');
  }
}
