import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { nextPageSize } from './page-size';
import { openSqliteFile, type SqliteFileOptions } from './sqlite-file';
import Database from 'better-sqlite3';
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
import {
  assertExpectedRevision,
  assertValidAppend,
  findIdempotentRetry,
  satisfiesExpectedRevision,
  type StoredEventRef,
} from '../internal/append-rules';
import { CatchUpSubscription } from '../internal/catch-up-subscription';
import { LiveSubscriptions } from '../internal/live-subscriptions';
import { normalizeFilter } from '../internal/log-filter';

/** Besides the file's settings (a write's wait for the lock, the page cache): */
export interface SqliteEventStoreOptions extends SqliteFileOptions {
  /** How often subscriptions look for events appended by other processes. Default 100 ms. */
  pollIntervalMs?: number;
  /** Rows fetched per query by reads and subscriptions. Default 500 (a page is held in memory at once). */
  pageSize?: number;
}

/**
 * An events row as a raw array of COLUMNS: every read of the log builds one per event, and an array
 * costs the driver about half of an object with named columns.
 */
type EventRow = [
  position: number,
  id: string,
  streamId: string,
  revision: number,
  type: string,
  data: string,
  metadata: string | null,
  recordedAt: string | null,
];

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT UNIQUE NOT NULL,
    stream_id   TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    type        TEXT NOT NULL,
    data        TEXT NOT NULL,
    metadata    TEXT,
    recorded_at TEXT
  );
  CREATE UNIQUE INDEX IF NOT EXISTS events_stream_revision ON events (stream_id, revision);
  CREATE TABLE IF NOT EXISTS checkpoints (
    name     TEXT PRIMARY KEY,
    position INTEGER
  );
`;

const COLUMNS = 'position, id, stream_id, revision, type, data, metadata, recorded_at';

/** SQLite result codes that mean "the store cannot be used right now", not "the request is wrong". */
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|IOERR|CANTOPEN|FULL|READONLY|CORRUPT|NOTADB)/;

/**
 * The embedded event store: one SQLite file in WAL mode, shareable by several processes (one writer
 * at a time, readers never blocked). Positions are the table's INTEGER PRIMARY KEY, so they only grow.
 */
export class SqliteEventStore implements EventStore {
  private readonly db: Database.Database;
  private readonly pageSize: number;
  private readonly pollIntervalMs: number;
  private readonly subscriptions = new LiveSubscriptions<CatchUpSubscription>();
  /** Log queries differ by how many prefixes and types the filter has: one prepared statement per shape. */
  private readonly logQueries = new Map<string, Database.Statement>();
  private closed = false;

  private readonly insertEvent: Database.Statement;
  private readonly selectById: Database.Statement<[string], StoredEventRef>;
  private readonly selectStreamHead: Database.Statement<[string], { revision: number; position: number }>;
  private readonly selectStreamPage: Database.Statement<[string, number, number], EventRow>;
  private readonly selectHead: Database.Statement<[], { head: number }>;
  private readonly selectCheckpoint: Database.Statement<[string], { position: number }>;
  private readonly upsertCheckpoint: Database.Statement<[string, number]>;
  private readonly appendInTransaction: Database.Transaction<(requests: AppendRequest[]) => AppendResult[]>;

  constructor(
    readonly file: string,
    options: SqliteEventStoreOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    try {
      this.db = openSqliteFile(file, { busyTimeoutMs: options.busyTimeoutMs, cacheMiB: options.cacheMiB });
      this.db.exec(SCHEMA);
    } catch (error) {
      throw unavailable(error) ?? error;
    }

    this.insertEvent = this.db.prepare(
      'INSERT INTO events (id, stream_id, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.selectById = this.db.prepare<[string], StoredEventRef>('SELECT stream_id AS streamId, revision, position FROM events WHERE id = ?');
    this.selectStreamHead = this.db.prepare<[string], { revision: number; position: number }>(
      'SELECT revision, position FROM events WHERE stream_id = ? ORDER BY revision DESC LIMIT 1',
    );
    this.selectStreamPage = this.db.prepare<[string, number, number], EventRow>(
      `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
    ).raw();
    this.selectHead = this.db.prepare<[], { head: number }>('SELECT coalesce(max(position), 0) AS head FROM events');
    this.selectCheckpoint = this.db.prepare<[string], { position: number }>('SELECT position FROM checkpoints WHERE name = ?');
    this.upsertCheckpoint = this.db.prepare<[string, number]>(
      'INSERT INTO checkpoints (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position',
    );
    this.appendInTransaction = this.db.transaction((requests: AppendRequest[]) => {
      const recordedAt = new Date().toISOString();
      return requests.map((request) => this.appendOne(request, recordedAt));
    });
  }

  async append(streamId: string, events: NewEvent[], expectedRevision: ExpectedRevision = 'any'): Promise<AppendResult> {
    const [result] = await this.appendBatch([{ streamId, events, expectedRevision }]);
    return result;
  }

  /** All requests in one transaction: any error rolls back the whole batch. */
  async appendBatch(requests: AppendRequest[]): Promise<AppendResult[]> {
    // IMMEDIATE takes the write lock up front: a deferred transaction that reads first can fail to
    // upgrade to a write when another process wrote meanwhile, without waiting for busy_timeout.
    const results = this.query(() => this.appendInTransaction.immediate(requests));
    // A wake without new events (an idempotent retry) only costs the subscription one query.
    this.subscriptions.forEach((subscription) => subscription.wake());
    return results;
  }

  async *readStream(streamId: string, options: ReadStreamOptions = {}): AsyncIterable<RecordedEvent> {
    let revision = Math.max(0, options.fromRevision ?? 0);
    let remaining = options.maxCount ?? Infinity;
    while (remaining > 0) {
      const limit = Math.min(this.pageSize, remaining);
      const rows = this.query(() =>
        options.eventTypes ? this.streamPageOfTypes(options.eventTypes.length).all(streamId, revision, ...options.eventTypes, limit) : this.selectStreamPage.all(streamId, revision, limit),
      );
      for (const row of rows) yield toRecorded(row);
      if (rows.length < limit) return;
      remaining -= rows.length;
      revision = rows[rows.length - 1][3] + 1;
      await nextMacrotask(); // let timers and I/O run between pages of a long stream
    }
  }

  /** A page of a stream's events of some types: the others are skipped in SQL, their data never decoded. */
  private streamPageOfTypes(typeCount: number): Database.Statement<unknown[], EventRow> {
    const key = `stream-types-${typeCount}`;
    let statement = this.logQueries.get(key);
    if (!statement) {
      const types = Array.from({ length: typeCount }, () => '?').join(', ');
      statement = this.db.prepare(`SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? AND type IN (${types}) ORDER BY revision LIMIT ?`).raw();
      this.logQueries.set(key, statement);
    }
    return statement as Database.Statement<unknown[], EventRow>;
  }

  async streamRevision(streamId: string): Promise<number | undefined> {
    return this.query(() => this.selectStreamHead.get(streamId))?.revision;
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<RecordedEvent> {
    let position = options.fromPosition ?? START;
    let remaining = options.maxCount ?? Infinity;
    let pageSize = this.pageSize;
    while (remaining > 0) {
      const limit = Math.min(pageSize, remaining);
      // Decoded one by one as yielded: a reader that stops mid-page, or holds a batch while it
      // works, never pays for (or keeps) the decoded rest of the page.
      const rows = this.readRows(position, options.filter, limit);
      for (const row of rows) yield toRecorded(row);
      if (rows.length < limit) return;
      remaining -= rows.length;
      position = rows[rows.length - 1][0];
      pageSize = nextPageSize(rows.reduce((bytes, row) => bytes + row[5].length, 0), rows.length, this.pageSize);
      await nextMacrotask(); // let timers and I/O run between pages of a long log
    }
  }

  async headPosition(options: HeadPositionOptions = {}): Promise<number> {
    const from = options.fromPosition ?? START;
    const { streamPrefixes, eventTypes } = normalizeFilter(options.filter);
    if (streamPrefixes.length === 0 && eventTypes.length === 0) return Math.max(from, this.headPositionNow());
    // Backwards from the end, down to `from` at most, reading no event's data.
    const [row] = this.queryLog<[position: number]>('last', from, options.filter, 1);
    return row ? row[0] : from;
  }

  subscribe(handler: EventHandler, options: SubscribeOptions = {}): Subscription {
    return this.subscriptions.add(
      (onStopped) =>
        new CatchUpSubscription(
          {
            readPage: (position, filter, limit) => this.readPage(position, filter, limit),
            headPosition: () => this.headPositionNow(),
          },
          handler,
          options,
          // Appends through this instance wake the subscription; polling finds those of other processes.
          { pageSize: this.pageSize, pollIntervalMs: this.pollIntervalMs, onStopped },
        ),
    );
  }

  async readCheckpoint(name: string): Promise<number | undefined> {
    return this.query(() => this.selectCheckpoint.get(name))?.position;
  }

  async storeCheckpoint(name: string, position: number): Promise<void> {
    this.query(() => this.upsertCheckpoint.run(name, position));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.subscriptions.stopAll();
    this.closed = true;
    this.db.close();
  }

  /**
   * Runs inside the batch transaction; throwing rolls the batch back. An append whose expected
   * revision holds is inserted straight away: the unique index on ids tells when one of its events
   * is already stored, and only then are its ids looked up (a retry, or a reused id).
   */
  private appendOne({ streamId, events, expectedRevision = 'any' }: AppendRequest, recordedAt: string): AppendResult {
    assertValidAppend(streamId, events);
    // The first append to a new stream needs no look-up either: the unique (stream, revision)
    // index refuses a revision 0 that already exists, and then the stream is read as usual.
    if (expectedRevision === 'no-stream' && events.length > 0) {
      const created = this.insertEvents(streamId, events, undefined, recordedAt);
      if (created) return created;
    }
    const head = this.selectStreamHead.get(streamId);
    if (!satisfiesExpectedRevision(expectedRevision, head?.revision)) {
      const retried = this.storedRetry(streamId, events);
      if (retried) return retried;
      assertExpectedRevision(streamId, expectedRevision, head?.revision); // throws
    }
    if (events.length === 0) return { streamId, nextRevision: head?.revision ?? -1, position: head?.position ?? START };
    return this.insertEvents(streamId, events, head, recordedAt) as AppendResult;
  }

  /**
   * Inserts the events after `head` (undefined: as a new stream). Returns undefined only when a
   * new stream turns out to exist already; an id already stored is resolved as a retry or thrown.
   */
  private insertEvents(
    streamId: string,
    events: readonly NewEvent[],
    head: { revision: number } | undefined,
    recordedAt: string,
  ): AppendResult | undefined {
    let revision = head?.revision ?? -1;
    let position = START;
    for (const [index, event] of events.entries()) {
      revision++;
      try {
        const inserted = this.insertEvent.run(
          event.id,
          streamId,
          revision,
          event.type,
          JSON.stringify(event.data ?? null),
          event.metadata === undefined ? null : JSON.stringify(event.metadata),
          recordedAt,
        );
        position = Number(inserted.lastInsertRowid);
      } catch (error) {
        // Revisions are contiguous from 0: a taken revision can only be the first one tried.
        if (head === undefined && index === 0 && isTaken(error, 'events.stream_id, events.revision')) return undefined;
        if (!isTaken(error, 'events.id')) throw error;
        // The events before `index` were new: this append just inserted them.
        const retried = this.storedRetry(streamId, events, index); // throws unless all were stored
        if (!retried) throw error;
        return retried;
      }
    }
    return { streamId, nextRevision: revision, position };
  }

  /**
   * The original result when every event of this append is already stored in this stream (a
   * retry); undefined when none is. Throws for a partial retry or an id of another stream. Ids
   * are looked up from `from` on: the ones before it are known to be new.
   */
  private storedRetry(streamId: string, events: readonly NewEvent[], from = 0): AppendResult | undefined {
    const stored = events.map((event, index) => (index < from ? undefined : this.selectById.get(event.id)));
    const retried = findIdempotentRetry(streamId, events, stored);
    return retried && { streamId, nextRevision: retried.revision, position: retried.position };
  }

  private readPage(position: number, filter: LogFilter | undefined, limit: number): RecordedEvent[] {
    return this.readRows(position, filter, limit).map(toRecorded);
  }

  private readRows(position: number, filter: LogFilter | undefined, limit: number): EventRow[] {
    return this.queryLog<EventRow>('events', position, filter, limit);
  }

  /** Runs the log query of this shape (see logQuery) for the filter's events after `position`. */
  private queryLog<Row>(select: 'events' | 'last', position: number, filter: LogFilter | undefined, limit: number): Row[] {
    const { streamPrefixes, eventTypes } = normalizeFilter(filter);
    const params: Record<string, string | number> = { position, limit };
    streamPrefixes.forEach((prefix, index) => (params[`p${index}`] = prefix));
    eventTypes.forEach((type, index) => (params[`t${index}`] = type));
    const statement = this.logQuery(streamPrefixes.length, eventTypes.length, select);
    return this.query(() => statement.all(params) as Row[]);
  }

  /** 'events': the filter's events after @position, in order; 'last': the position of its last one after @position. */
  private logQuery(prefixCount: number, typeCount: number, select: 'events' | 'last'): Database.Statement {
    const key = `${select}:${prefixCount}:${typeCount}`;
    let statement = this.logQueries.get(key);
    if (!statement) {
      const conditions = ['position > @position'];
      // substr rather than LIKE: LIKE ignores ASCII case and treats % and _ in a prefix as wildcards.
      if (prefixCount > 0) {
        const prefixes = Array.from({ length: prefixCount }, (_, i) => `substr(stream_id, 1, length(@p${i})) = @p${i}`);
        conditions.push(`(${prefixes.join(' OR ')})`);
      }
      if (typeCount > 0) {
        conditions.push(`type IN (${Array.from({ length: typeCount }, (_, i) => `@t${i}`).join(', ')})`);
      }
      statement = this.query(() =>
        this.db
          .prepare(
            select === 'events'
              ? `SELECT ${COLUMNS} FROM events WHERE ${conditions.join(' AND ')} ORDER BY position LIMIT @limit`
              : `SELECT position FROM events WHERE ${conditions.join(' AND ')} ORDER BY position DESC LIMIT @limit`,
          )
          .raw(),
      );
      this.logQueries.set(key, statement);
    }
    return statement;
  }

  private headPositionNow(): number {
    return this.query(() => this.selectHead.get())?.head ?? START;
  }

  /** Runs a database call, reporting a closed or unusable database as EventStoreUnavailableError. */
  private query<T>(call: () => T): T {
    if (this.closed) throw new EventStoreUnavailableError('The event store is closed');
    try {
      return call();
    } catch (error) {
      throw unavailable(error) ?? error;
    }
  }
}

function unavailable(error: unknown): EventStoreUnavailableError | undefined {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.test(code)) {
    return new EventStoreUnavailableError(`SQLite event store unavailable: ${(error as Error).message}`, { cause: error });
  }
  return undefined;
}

/** The insert hit a unique index on these columns ("events.id", or stream and revision). */
function isTaken(error: unknown, columns: string): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  return code === 'SQLITE_CONSTRAINT_UNIQUE' && typeof message === 'string' && message.endsWith(columns);
}

function toRecorded([position, id, streamId, revision, type, data, metadata, recordedAt]: EventRow): RecordedEvent {
  return {
    id,
    type,
    streamId,
    revision,
    position,
    data: JSON.parse(data),
    metadata: metadata === null ? {} : JSON.parse(metadata),
    recordedAt: recordedAt ?? '',
  };
}
