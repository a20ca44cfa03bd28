/**
 * Test double shaped like `KurrentDBClient` (the KurrentDbClientLike subset), for unit tests: an
 * in-memory log with the server's observable rules. Appends honour `streamState` and dedup a retry
 * by event ids (always for an exact expected revision; for ANY, as the server's id cache does);
 * reads of $all include the event at the start position (like the server), subscriptions exclude
 * it; filters are the server's (one of stream name or event type, prefixes or regex). Errors are
 * the client's own classes. Failures can be injected per method; subscriptions can be dropped.
 */
import { Transform, type TransformCallback } from 'node:stream';
import {
  ANY,
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendResult,
  type AppendStreamState,
  type AppendToStreamOptions,
  type CaughtUp,
  type EventData,
  type Filter,
  type ReadAllOptions,
  type ReadPosition,
  type ReadStreamOptions,
  type ResolvedEvent,
  type StreamMetadata,
  type SubscribeToAllOptions,
} from '@kurrent/kurrentdb-client';
import type { KurrentDbClientLike, KurrentDbSubscriptionLike } from './kurrentdb-client-like';

export interface StoredFakeEvent {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  position: bigint;
  data: unknown;
  metadata: unknown;
  created: Date;
}

export interface AppendCall {
  streamName: string;
  ids: string[];
  streamState: AppendStreamState;
  bytes: number;
}

type Method = 'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'setStreamMetadata';

interface InjectedFailure {
  error: Error;
  /** For appends: the server stores the events, then the client sees the error (a lost reply). */
  afterCommit: boolean;
}

type Message = { event: AllStreamResolvedEvent } | { caughtUp: CaughtUp };

/** Like the client's Subscription: a Transform of server messages that emits 'caughtUp' when it transforms one. */
export class FakeSubscription extends Transform implements KurrentDbSubscriptionLike {
  unsubscribed = false;
  /**
   * What the server has to send before the subscription's first tick: the backlog as of the
   * request, the caught-up message, then anything appended meanwhile. Sent on the next macrotask,
   * once the caller has attached its listeners (as with the real client, which sends after a
   * network round trip).
   */
  pending: Message[] | undefined = [];

  constructor(
    readonly options: SubscribeToAllOptions,
    private readonly onUnsubscribe: (subscription: FakeSubscription) => void,
  ) {
    super({ objectMode: true });
  }

  override _transform(message: Message, _encoding: BufferEncoding, next: TransformCallback): void {
    if ('caughtUp' in message) {
      this.emit('caughtUp', message.caughtUp);
      next();
    } else {
      next(null, message.event);
    }
  }

  deliver(message: Message): void {
    if (this.pending) this.pending.push(message);
    else this.write(message);
  }

  flush(): void {
    const pending = this.pending ?? [];
    this.pending = undefined;
    for (const message of pending) this.write(message);
  }

  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
    this.onUnsubscribe(this);
  }
}

export class FakeKurrentDbClient implements KurrentDbClientLike {
  readonly log: StoredFakeEvent[] = [];
  readonly appendCalls: AppendCall[] = [];
  readonly readAllCalls: ReadAllOptions[] = [];
  readonly subscriptions: FakeSubscription[] = [];
  readonly metadata = new Map<string, StreamMetadata>();
  disposed = false;
  private nextPosition = 1000n;
  private readonly failures = new Map<Method, InjectedFailure[]>();

  /** The next `times` calls of `method` fail with `error`. */
  failNext(method: Method, error: Error, { times = 1, afterCommit = false } = {}): void {
    const queue = this.failures.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push({ error, afterCommit });
    this.failures.set(method, queue);
  }

  /** Active subscriptions emit `error` (as the client does when the server drops them). */
  dropSubscriptions(error: Error): void {
    for (const subscription of this.active()) subscription.emit('error', error);
  }

  active(): FakeSubscription[] {
    return this.subscriptions.filter((subscription) => !subscription.unsubscribed && !subscription.destroyed);
  }

  /** Writes events as another process would: straight into the log, to live subscribers too. */
  store(streamName: string, events: { id?: string; type: string; data?: unknown; metadata?: unknown }[]): StoredFakeEvent[] {
    const stored = events.map((event) => {
      const revision = this.currentRevision(streamName) ?? -1n;
      const record: StoredFakeEvent = {
        streamId: streamName,
        id: event.id ?? crypto.randomUUID(),
        type: event.type,
        revision: revision + 1n,
        position: this.nextPosition,
        data: event.data ?? {},
        metadata: event.metadata,
        created: new Date(),
      };
      this.nextPosition += 100n + BigInt(JSON.stringify(record.data).length);
      this.log.push(record);
      return record;
    });
    for (const subscription of this.active()) {
      for (const record of stored) {
        if (matches(subscription.options.filter, record)) subscription.deliver({ event: toResolved(record) });
      }
    }
    return stored;
  }

  async appendToStream(streamName: string, events: EventData[], options: AppendToStreamOptions = {}): Promise<AppendResult> {
    const streamState = options.streamState ?? ANY;
    const bytes = events.reduce(
      (sum, event) => sum + JSON.stringify(event.data).length + (event.metadata ? JSON.stringify(event.metadata).length : 0) + event.type.length,
      0,
    );
    this.appendCalls.push({ streamName, ids: events.map((event) => event.id), streamState, bytes });
    const failure = this.takeFailure('appendToStream');
    if (failure && !failure.afterCommit) throw failure.error;
    const result = this.commit(streamName, events, streamState);
    if (failure) throw failure.error;
    return result;
  }

  readStream(streamName: string, options: ReadStreamOptions = {}): AsyncIterable<ResolvedEvent> {
    const failure = this.takeFailure('readStream');
    const backwards = options.direction === BACKWARDS;
    const maxCount = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const stream = this.log.filter((event) => event.streamId === streamName);
    const from = options.fromRevision ?? (backwards ? END : START);
    return (async function* () {
      if (failure) throw failure.error;
      if (stream.length === 0) throw new StreamNotFoundError(undefined, streamName);
      let selected = backwards
        ? stream.filter((event) => from === END || event.revision <= (from as bigint)).reverse()
        : stream.filter((event) => from === START || event.revision >= (from as bigint));
      selected = selected.slice(0, maxCount);
      for (const event of selected) yield toResolved(event) as ResolvedEvent;
    })();
  }

  readAll(options: ReadAllOptions = {}): AsyncIterable<AllStreamResolvedEvent> {
    this.readAllCalls.push(options);
    const failure = this.takeFailure('readAll');
    const backwards = options.direction === BACKWARDS;
    const maxCount = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromPosition ?? (backwards ? END : START);
    const log = [...this.log];
    return (async function* () {
      if (failure) throw failure.error;
      // Like the server, a forward read includes the event at its start position.
      let selected = backwards
        ? log.filter((event) => from === END || from === START || event.position < commitOf(from)).reverse()
        : log.filter((event) => from === START || (from !== END && event.position >= commitOf(from)));
      selected = selected.filter((event) => matches(options.filter, event)).slice(0, maxCount);
      for (const event of selected) yield toResolved(event);
    })();
  }

  subscribeToAll(options: SubscribeToAllOptions = {}): FakeSubscription {
    const failure = this.takeFailure('subscribeToAll');
    const subscription = new FakeSubscription(options, () => undefined);
    this.subscriptions.push(subscription);
    const from = options.fromPosition ?? START;
    // The backlog is what the log holds when the request arrives; subscriptions start strictly after their position.
    for (const event of this.log) {
      if (from !== START && (from === END || event.position <= commitOf(from))) continue;
      if (matches(options.filter, event)) subscription.deliver({ event: toResolved(event) });
    }
    const last = this.log.at(-1);
    subscription.deliver({ caughtUp: last ? { position: { commit: last.position, prepare: last.position } } : {} });
    setImmediate(() => {
      if (subscription.unsubscribed) return;
      if (failure) subscription.emit('error', failure.error);
      else subscription.flush();
    });
    return subscription;
  }

  async setStreamMetadata(streamName: string, metadata: StreamMetadata): Promise<unknown> {
    const failure = this.takeFailure('setStreamMetadata');
    if (failure) throw failure.error;
    this.metadata.set(streamName, metadata);
    return {};
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  private commit(streamName: string, events: EventData[], streamState: AppendStreamState): AppendResult {
    const current = this.currentRevision(streamName);
    const stream = this.log.filter((event) => event.streamId === streamName);
    const ids = events.map((event) => event.id);
    const wrong = () =>
      new WrongExpectedVersionError(undefined, { streamName, expected: streamState, current: current ?? NO_STREAM });

    // Idempotency: with an exact state, the events right after it; with ANY, wherever the ids are.
    const after = streamState === NO_STREAM ? -1n : typeof streamState === 'bigint' ? streamState : undefined;
    if (after !== undefined) {
      const next = stream.filter((event) => event.revision > after).slice(0, ids.length);
      if (next.length > 0 && next[0].id === ids[0]) {
        if (next.length === ids.length && next.every((event, index) => event.id === ids[index])) {
          return { success: true, nextExpectedRevision: next[next.length - 1].revision, position: undefined };
        }
        throw wrong();
      }
    } else if (streamState === ANY) {
      const stored = stream.filter((event) => ids.includes(event.id));
      if (stored.length === ids.length) {
        return { success: true, nextExpectedRevision: stored[stored.length - 1].revision, position: undefined };
      }
      if (stored.length > 0) throw wrong();
    }

    const ok =
      streamState === ANY ||
      (streamState === NO_STREAM && current === undefined) ||
      (streamState === STREAM_EXISTS && current !== undefined) ||
      (typeof streamState === 'bigint' && streamState === current);
    if (!ok) throw wrong();
    const stored = this.store(
      streamName,
      events.map((event) => ({ id: event.id, type: event.type, data: event.data, metadata: event.metadata })),
    );
    const last = stored[stored.length - 1];
    return { success: true, nextExpectedRevision: last.revision, position: { commit: last.position, prepare: last.position } };
  }

  private currentRevision(streamName: string): bigint | undefined {
    let revision: bigint | undefined;
    for (const event of this.log) if (event.streamId === streamName) revision = event.revision;
    return revision;
  }

  private takeFailure(method: Method): InjectedFailure | undefined {
    return this.failures.get(method)?.shift();
  }
}

function commitOf(position: ReadPosition): bigint {
  return typeof position === 'object' ? position.commit : 0n;
}

function matches(filter: Filter | undefined, event: StoredFakeEvent): boolean {
  if (!filter) return true;
  const subject = filter.filterOn === 'streamName' ? event.streamId : event.type;
  if ('prefixes' in filter) return filter.prefixes.some((prefix) => subject.startsWith(prefix));
  return new RegExp(filter.regex).test(subject);
}

function toResolved(event: StoredFakeEvent): AllStreamResolvedEvent {
  return {
    event: {
      streamId: event.streamId,
      id: event.id,
      isJson: true,
      revision: event.revision,
      type: event.type,
      created: event.created,
      data: event.data,
      metadata: event.metadata,
      position: { commit: event.position, prepare: event.position },
    } as AllStreamResolvedEvent['event'],
    commitPosition: event.position,
  };
}
