import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuplicateEventIdError, EventStoreUnavailableError, PartialDuplicateAppendError } from '../errors';
import { eventStoreContract } from '../event-store.contract';
import type { EventStore, NewEvent, RecordedEvent } from '../event-store.port';
import { PAGE_TEXT_BYTES } from './page-size';
import { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store';
import { eventually } from '../eventually';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'event-store-'));
}

function inTempDir(options: SqliteEventStoreOptions) {
  return async () => {
    const dir = tempDir();
    return {
      store: new SqliteEventStore(join(dir, 'events.db'), options),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  };
}

const sqliteCapabilities = { densePositions: true, knowsEveryId: true, atomicBatches: true };
eventStoreContract('SqliteEventStore', inTempDir({ pollIntervalMs: 20 }), sqliteCapabilities);
// Tiny pages put page boundaries inside every read and catch-up of the suite.
eventStoreContract('SqliteEventStore with 2-row pages', inTempDir({ pollIntervalMs: 20, pageSize: 2 }), sqliteCapabilities);

describe('SqliteEventStore', () => {
  let dir: string;
  let file: string;
  const opened: EventStore[] = [];

  function open(): SqliteEventStore {
    const store = new SqliteEventStore(file, { pollIntervalMs: 20 });
    opened.push(store);
    return store;
  }

  beforeEach(() => {
    dir = tempDir();
    // A directory that does not exist yet: the store creates it.
    file = join(dir, 'nested', 'events.db');
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  const event = (id: string, data: unknown = {}): NewEvent => ({ id, type: 'Happened', data });

  async function readAll(store: EventStore): Promise<RecordedEvent[]> {
    const all: RecordedEvent[] = [];
    for await (const recorded of store.readAll()) all.push(recorded);
    return all;
  }

  it('keeps events and checkpoints across close and reopen', async () => {
    const first = open();
    await first.append('a', [{ id: '1', type: 'UserCreated', data: { name: 'Ada' }, metadata: { by: 'test' } }]);
    await first.storeCheckpoint('projection', 1);
    await first.close();

    const reopened = open();

    expect(await readAll(reopened)).toEqual([
      expect.objectContaining({ id: '1', streamId: 'a', revision: 0, position: 1, data: { name: 'Ada' }, metadata: { by: 'test' } }),
    ]);
    expect(await reopened.readCheckpoint('projection')).toBe(1);
    await expect(reopened.append('a', [event('2')], 0)).resolves.toMatchObject({ nextRevision: 1, position: 2 });
  });

  it('delivers to a subscription the events appended through another connection to the file', async () => {
    const reader = open();
    const writer = open(); // stands in for another process
    const received: RecordedEvent[] = [];
    let caughtUp = false;
    const subscription = reader.subscribe((recorded) => void received.push(recorded), {
      onCaughtUp: () => (caughtUp = true),
    });
    await eventually(() => caughtUp);

    await writer.append('a', [event('1'), event('2')]);
    await writer.append('b', [event('3')]);
    await eventually(() => received.length === 3);

    expect(received.map((recorded) => recorded.id)).toEqual(['1', '2', '3']);
    await subscription.stop();
  });

  it('rejects an id stored in another stream even when the expected revision holds, and keeps nothing of the append', async () => {
    const store = open();
    await store.append('a', [event('1')]);

    await expect(store.append('b', [event('2'), event('1')], 'no-stream')).rejects.toThrow(DuplicateEventIdError);
    expect(await store.streamRevision('b')).toBeUndefined();
  });

  it('rejects a stored id after a new one as a partial retry, and keeps neither', async () => {
    const store = open();
    await store.append('a', [event('1')]);

    await expect(store.append('a', [event('2'), event('1')], 0)).rejects.toThrow(PartialDuplicateAppendError);
    expect((await readAll(store)).map((e) => e.id)).toEqual(['1']);
  });

  it('appends 20,000 events in one batch', async () => {
    const store = open();
    const requests = Array.from({ length: 4000 }, (_, stream) => ({
      streamId: `user-${stream}`,
      events: Array.from({ length: 5 }, (_, index) => event(`${stream}-${index}`, { index })),
      expectedRevision: 'no-stream' as const,
    }));

    const results = await store.appendBatch(requests);

    expect(results).toHaveLength(4000);
    expect(results.at(-1)).toEqual({ streamId: 'user-3999', nextRevision: 4, position: 20000 });
    expect(await store.headPosition()).toBe(20000);
    let count = 0;
    for await (const _ of store.readAll({ filter: { streamPrefixes: ['user-39'] } })) count++;
    expect(count).toBe(111 * 5); // user-39 and user-3900 … user-3999
  });

  it('reads a log of large events whole and in order, in pages that hold about PAGE_TEXT_BYTES of them', async () => {
    const store = new SqliteEventStore(file, { pollIntervalMs: 20, pageSize: 8 });
    opened.push(store);
    const text = 'x'.repeat(1024 * 1024); // a little over 1 MiB of JSON an event: three to a page
    await store.append('big', Array.from({ length: 10 }, (_, index) => event(`big-${index}`, { index, text })));
    await store.append('small', Array.from({ length: 10 }, (_, index) => event(`small-${index}`, { index })));
    const pageLimits = jest.spyOn(store as unknown as { readRows(p: number, f: unknown, limit: number): unknown[] }, 'readRows');

    const read = await readAll(store);

    expect(read.map((e) => e.id)).toEqual([...Array(10).keys()].map((i) => `big-${i}`).concat([...Array(10).keys()].map((i) => `small-${i}`)));
    expect(read[9].data).toEqual({ index: 9, text });
    const limits = pageLimits.mock.calls.map(([, , limit]) => limit);
    expect(limits[0]).toBe(8); // the first page does not know the events' size yet
    expect(limits[1]).toBe(Math.floor(PAGE_TEXT_BYTES / JSON.stringify({ index: 0, text }).length));
    expect(limits[1]).toBe(3);
    expect(limits.at(-1)).toBe(8); // back to full pages among the small events
  });

  it('creates a new file with 16 KiB pages', async () => {
    const store = open();
    await store.append('a', [event('1')]);
    await store.close();

    expect(pageSizeOf(file)).toBe(16_384);
  });

  it('opens a file made with 4 KiB pages as it is, and keeps working with it', async () => {
    mkdirSync(join(dir, 'nested'));
    const older = new Database(file);
    older.pragma('page_size = 4096');
    older.pragma('journal_mode = WAL');
    older.close();
    const store = open();

    await store.append('a', [event('1', { n: 1 })]);
    await store.append('a', [event('2', { n: 2 })], 0);

    expect((await readAll(store)).map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    await store.close();
    expect(pageSizeOf(file)).toBe(4096);
  });

  it('reports use after close as EventStoreUnavailableError', async () => {
    const store = open();
    await store.close();

    await expect(store.headPosition()).rejects.toThrow(EventStoreUnavailableError);
  });
});

function pageSizeOf(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('page_size', { simple: true }) as number;
  } finally {
    db.close();
  }
}
