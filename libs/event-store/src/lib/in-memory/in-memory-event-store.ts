import { EventStoreUnavailableError } from '../errors';
import {
  START,
  type AppendRequest,
  type AppendResult,
  type EventHandler,
  type EventStore,
  type ExpectedRevision,
  type HeadPositionOptions,
  type LogFilter,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';
import { assertExpectedRevision, assertValidAppend, findIdempotentRetry } from '../internal/append-rules';
import { CatchUpSubscription } from '../internal/catch-up-subscription';
import { LiveSubscriptions } from '../internal/live-subscriptions';
import { matchesFilter } from '../internal/log-filter';

/** An event as kept here: data and metadata as JSON text, like a database would. */
interface StoredEvent {
  id: string;
  streamId: string;
  revision: number;
  position: number;
  type: string;
  data: string;
  metadata: string | undefined;
  recordedAt: string;
}

const PAGE_SIZE = 1000;

/**
 * An event store in process memory, for unit tests. It behaves like the SQLite adapter, including
 * an all-or-nothing appendBatch, and hands out fresh copies so callers cannot change stored events.
 */
export class InMemoryEventStore implements EventStore {
  /** The log; the event at position p is at index p - 1. */
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly byId = new Map<string, StoredEvent>();
  private readonly checkpoints = new Map<string, number>();
  private readonly subscriptions = new LiveSubscriptions<CatchUpSubscription>();
  private closed = false;

  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision = 'any'): Promise<AppendResult> {
    const [result] = await this.appendBatch([{ streamId, events, expectedRevision }]);
    return result;
  }

  async appendBatch(requests: AppendRequest[]): Promise<AppendResult[]> {
    this.assertOpen();
    const logLength = this.log.length;
    let results: AppendResult[];
    try {
      const recordedAt = new Date().toISOString();
      results = requests.map((request) => this.appendOne(request, recordedAt));
    } catch (error) {
      this.truncate(logLength);
      throw error;
    }
    if (this.log.length > logLength) this.subscriptions.forEach((subscription) => subscription.wake());
    return results;
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    const stream = this.streams.get(streamId) ?? [];
    let remaining = options.maxCount ?? Infinity;
    for (let revision = Math.max(0, options.fromRevision ?? 0); revision < stream.length && remaining > 0; revision++) {
      if (options.eventTypes && !options.eventTypes.includes(stream[revision].type)) continue;
      remaining--;
      yield toRecorded(stream[revision]);
    }
  }

  async streamRevision(streamId: string): Promise<number | undefined> {
    this.assertOpen();
    const stream = this.streams.get(streamId);
    return stream ? stream.length - 1 : undefined;
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    this.assertOpen();
    let remaining = options.maxCount ?? Infinity;
    // Re-checks the length each step, so events appended while the caller iterates are included.
    for (let index = Math.max(0, options.fromPosition ?? START); index < this.log.length && remaining > 0; index++) {
      if (!matchesFilter(this.log[index], options.filter)) continue;
      remaining--;
      yield toRecorded(this.log[index]);
    }
  }

  async headPosition(options: HeadPositionOptions = {}): Promise<number> {
    this.assertOpen();
    const from = Math.max(START, options.fromPosition ?? START);
    // The event at index i has position i + 1.
    for (let index = this.log.length - 1; index >= from; index--) {
      if (matchesFilter(this.log[index], options.filter)) return index + 1;
    }
    return from;
  }

  subscribe(handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    return this.subscriptions.add(
      (onStopped) =>
        new CatchUpSubscription(
          { readPage: (position, filter, limit) => this.readPage(position, filter, limit), headPosition: () => this.log.length },
          handler,
          options,
          // Every append goes through this instance and wakes subscribers: no polling needed.
          { pageSize: PAGE_SIZE, onStopped },
        ),
    );
  }

  async readCheckpoint(name: string): Promise<number | undefined> {
    this.assertOpen();
    return this.checkpoints.get(name);
  }

  async storeCheckpoint(name: string, position: number): Promise<void> {
    this.assertOpen();
    this.checkpoints.set(name, position);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.subscriptions.stopAll();
    this.closed = true;
  }

  private appendOne({ streamId, events, expectedRevision = 'any' }: AppendRequest, recordedAt: string): AppendResult {
    assertValidAppend(streamId, events);
    const retried = findIdempotentRetry(
      streamId,
      events,
      events.map((event) => this.byId.get(event.id)),
    );
    if (retried) return { streamId, nextRevision: retried.revision, position: retried.position };

    const stream = this.streams.get(streamId) ?? [];
    assertExpectedRevision(streamId, expectedRevision, stream.length > 0 ? stream.length - 1 : undefined);
    for (const event of events) {
      const stored: StoredEvent = {
        id: event.id,
        streamId,
        revision: stream.length,
        position: this.log.length + 1,
        type: event.type,
        data: JSON.stringify(event.data ?? null),
        metadata: event.metadata === undefined ? undefined : JSON.stringify(event.metadata),
        recordedAt,
      };
      stream.push(stored);
      this.log.push(stored);
      this.byId.set(stored.id, stored);
    }
    if (stream.length > 0) this.streams.set(streamId, stream);
    const last = stream.at(-1);
    return { streamId, nextRevision: stream.length - 1, position: last?.position ?? START };
  }

  /** Undoes a failed batch: its events are the tail of the log and of each stream they went to. */
  private truncate(logLength: number): void {
    for (const event of this.log.splice(logLength)) {
      this.byId.delete(event.id);
      const stream = this.streams.get(event.streamId);
      stream?.pop();
      if (stream?.length === 0) this.streams.delete(event.streamId);
    }
  }

  private readPage(position: number, filter: LogFilter | undefined, limit: number): RecordedEvent[] {
    const page: RecordedEvent[] = [];
    for (let index = Math.max(0, position); index < this.log.length && page.length < limit; index++) {
      if (matchesFilter(this.log[index], filter)) page.push(toRecorded(this.log[index]));
    }
    return page;
  }

  private assertOpen(): void {
    if (this.closed) throw new EventStoreUnavailableError('The event store is closed');
  }
}

function toRecorded(event: StoredEvent): RecordedEvent {
  return {
    id: event.id,
    type: event.type,
    streamId: event.streamId,
    revision: event.revision,
    position: event.position,
    data: JSON.parse(event.data),
    metadata: event.metadata === undefined ? {} : JSON.parse(event.metadata),
    recordedAt: event.recordedAt,
  };
}
