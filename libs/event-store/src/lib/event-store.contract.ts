/**
 * The behaviour every EventStore adapter must have. An adapter's spec calls `eventStoreContract`;
 * `create` gives a fresh, empty store for each test. The suite closes the store, then runs `cleanup`.
 *
 * It uses Jest's globals, so it only runs inside Jest. It asserts what KurrentDB can also honour:
 * positions only grow (not that they start at 1), and an idempotent retry uses the original
 * expected revision. What only some adapters promise (dense positions, ids known log-wide, atomic
 * batches) is checked for the adapters that declare it (EventStoreCapabilities).
 */
import { DuplicateEventIdError, PartialDuplicateAppendError, WrongExpectedRevisionError } from './errors';
import { START, type EventStore, type NewEvent, type RecordedEvent, type Subscription } from './event-store.port';
import { eventually } from './eventually';

export interface EventStoreUnderTest {
  store: EventStore;
  cleanup?: () => Promise<void>;
}

/** What some adapters promise beyond the port: the suite checks each promise an adapter declares. */
export interface EventStoreCapabilities {
  /** Positions are 1, 2, 3… across the log (KurrentDB's are byte offsets). */
  densePositions?: boolean;
  /** Every id of the log is known: a stored id is a retry in its stream, and refused in another. */
  knowsEveryId?: boolean;
  /** appendBatch writes all of its requests or none. */
  atomicBatches?: boolean;
}

let idSequence = 0;

/** Ids unique across the whole test run: some stores index ids log-wide. */
function newEvent(type = 'Happened', data: unknown = {}): NewEvent {
  idSequence++;
  return { id: `00000000-0000-4000-8000-${String(idSequence).padStart(12, '0')}`, type, data };
}

function newEvents(count: number, type = 'Happened'): NewEvent[] {
  return Array.from({ length: count }, (_, index) => newEvent(type, { index }));
}

async function collect(events: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function expectConflict(
  attempt: Promise<unknown>,
  expected: { streamId: string; expected: unknown; actual: number | undefined },
): Promise<void> {
  const error = await attempt.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(WrongExpectedRevisionError);
  expect(error).toMatchObject(expected);
}

export function eventStoreContract(name: string, create: () => Promise<EventStoreUnderTest>, capabilities: EventStoreCapabilities = {}): void {
  describe(`${name} (event store contract)`, () => {
    let store: EventStore;
    let cleanup: (() => Promise<void>) | undefined;
    const subscriptions: Subscription[] = [];

    beforeEach(async () => {
      ({ store, cleanup } = await create());
    });

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
      await store.close();
      await cleanup?.();
    });

    describe('append and expected revision', () => {
      it('numbers revisions from 0 within a stream and reports the last one', async () => {
        const first = await store.append('user-1', newEvents(2));
        const second = await store.append('user-1', newEvents(1));

        expect(first).toMatchObject({ streamId: 'user-1', nextRevision: 1 });
        expect(second).toMatchObject({ streamId: 'user-1', nextRevision: 2 });
        expect((await collect(store.readStream('user-1'))).map((event) => event.revision)).toEqual([0, 1, 2]);
        expect(await store.streamRevision('user-1')).toBe(2);
      });

      it("accepts 'no-stream' only for a missing stream", async () => {
        await store.append('user-1', newEvents(2), 'no-stream');

        await expectConflict(store.append('user-1', newEvents(1), 'no-stream'), {
          streamId: 'user-1',
          expected: 'no-stream',
          actual: 1,
        });
      });

      it("accepts 'stream-exists' only for an existing stream", async () => {
        await expectConflict(store.append('user-1', newEvents(1), 'stream-exists'), {
          streamId: 'user-1',
          expected: 'stream-exists',
          actual: undefined,
        });

        await store.append('user-1', newEvents(1));
        await expect(store.append('user-1', newEvents(1), 'stream-exists')).resolves.toMatchObject({ nextRevision: 1 });
      });

      it('accepts an exact revision only when it is the current one', async () => {
        await store.append('user-1', newEvents(2));

        await expect(store.append('user-1', newEvents(1), 1)).resolves.toMatchObject({ nextRevision: 2 });
        await expectConflict(store.append('user-1', newEvents(1), 1), { streamId: 'user-1', expected: 1, actual: 2 });
        await expectConflict(store.append('user-2', newEvents(1), 0), {
          streamId: 'user-2',
          expected: 0,
          actual: undefined,
        });
      });

      it("accepts 'any', the default, whatever the stream's state", async () => {
        await store.append('user-1', newEvents(1), 'any');
        await store.append('user-1', newEvents(1), 'any');
        await store.append('user-1', newEvents(1));

        expect(await store.streamRevision('user-1')).toBe(2);
      });

      it('writes nothing when the expected revision does not match', async () => {
        await store.append('user-1', newEvents(1));
        const head = await store.headPosition();

        await expect(store.append('user-1', newEvents(3), 'no-stream')).rejects.toThrow(WrongExpectedRevisionError);

        expect(await store.headPosition()).toBe(head);
        expect(await store.streamRevision('user-1')).toBe(0);
      });

      it('gives strictly increasing global positions across streams', async () => {
        const results = [
          await store.append('user-1', newEvents(2)),
          await store.append('user-2', newEvents(1)),
          await store.append('user-1', newEvents(1)),
        ];
        const positions = (await collect(store.readAll())).map((event) => event.position);

        expect(positions).toHaveLength(4);
        expect(positions[0]).toBeGreaterThan(START);
        positions.slice(1).forEach((position, index) => expect(position).toBeGreaterThan(positions[index]));
        expect(results.map((result) => result.position)).toEqual([positions[1], positions[2], positions[3]]);
      });

      it('stores data and metadata and records the time', async () => {
        const before = Date.now();
        await store.append('user-1', [
          { id: newEvent().id, type: 'UserCreated', data: { name: 'Ada', roles: ['admin'] }, metadata: { importId: 'i-1' } },
          { id: newEvent().id, type: 'UserRenamed', data: { name: 'Ada L.' } },
        ]);

        const [created, renamed] = await collect(store.readStream('user-1'));

        expect(created).toMatchObject({
          streamId: 'user-1',
          type: 'UserCreated',
          data: { name: 'Ada', roles: ['admin'] },
          metadata: { importId: 'i-1' },
        });
        expect(renamed.metadata).toEqual({});
        expect(Date.parse(created.recordedAt)).toBeGreaterThanOrEqual(before - 1000);
      });
    });

    describe('idempotent retries', () => {
      it('re-appending the same ids writes nothing and returns the original result', async () => {
        const events = newEvents(2);
        const original = await store.append('user-1', events, 'no-stream');
        await store.append('user-1', newEvents(1));
        const head = await store.headPosition();

        // A retry carries the expected revision it was decided on, even if the stream moved on.
        const retried = await store.append('user-1', events, 'no-stream');

        expect(retried).toEqual(original);
        expect(await store.headPosition()).toBe(head);
        expect(await collect(store.readStream('user-1'))).toHaveLength(3);
      });

      it('rejects a retry where only some ids are already stored', async () => {
        const [stored, fresh] = newEvents(2);
        await store.append('user-1', [stored]);

        await expect(store.append('user-1', [stored, fresh])).rejects.toThrow(PartialDuplicateAppendError);
        expect(await store.streamRevision('user-1')).toBe(0);
      });

      it('recognises a retry whose expected revision still holds ("any")', async () => {
        const events = newEvents(2);
        const original = await store.append('user-1', events, 'any');
        const head = await store.headPosition();

        expect(await store.append('user-1', events, 'any')).toEqual(original);
        expect(await store.headPosition()).toBe(head);
      });
    });

    describe('appendBatch', () => {
      it('appends to several streams and returns one result per request, in order', async () => {
        const results = await store.appendBatch([
          { streamId: 'user-1', events: newEvents(2), expectedRevision: 'no-stream' },
          { streamId: 'user-2', events: newEvents(1) },
          { streamId: 'user-1', events: newEvents(1), expectedRevision: 1 },
        ]);

        expect(results.map(({ streamId, nextRevision }) => ({ streamId, nextRevision }))).toEqual([
          { streamId: 'user-1', nextRevision: 1 },
          { streamId: 'user-2', nextRevision: 0 },
          { streamId: 'user-1', nextRevision: 2 },
        ]);
        expect(results[2].position).toBe(await store.headPosition());
      });

      it('throws WrongExpectedRevisionError naming the conflicting stream', async () => {
        await store.append('user-2', newEvents(1));

        await expectConflict(
          store.appendBatch([
            { streamId: 'user-1', events: newEvents(1) },
            { streamId: 'user-2', events: newEvents(1), expectedRevision: 'no-stream' },
          ]),
          { streamId: 'user-2', expected: 'no-stream', actual: 0 },
        );
      });
    });

    if (capabilities.densePositions) {
      it('numbers positions 1, 2, 3… across streams', async () => {
        await store.append('a', newEvents(2));
        await store.append('b', newEvents(1));

        expect((await collect(store.readAll())).map((event) => event.position)).toEqual([1, 2, 3]);
      });
    }

    if (capabilities.knowsEveryId) {
      describe('ids known log-wide', () => {
        it('treats a re-append of stored ids as a retry whatever the expected revision', async () => {
          const [first, second] = newEvents(2);
          const original = await store.append('a', [first]);
          await store.append('a', [second]);
          const head = await store.headPosition();

          expect(await store.append('a', [first], 'no-stream')).toEqual(original);
          expect(await store.headPosition()).toBe(head);
        });

        it('rejects an id already stored in another stream', async () => {
          const [stored] = newEvents(1);
          await store.append('a', [stored]);

          await expect(store.append('b', [stored])).rejects.toThrow(DuplicateEventIdError);
          expect(await store.streamRevision('b')).toBeUndefined();
        });
      });
    }

    if (capabilities.atomicBatches) {
      it('writes nothing of a batch when a later request conflicts', async () => {
        const [stored, first, conflicting] = newEvents(3);
        await store.append('b', [stored]);

        await expect(
          store.appendBatch([
            { streamId: 'a', events: [first] },
            { streamId: 'b', events: [conflicting], expectedRevision: 'no-stream' },
          ]),
        ).rejects.toThrow(WrongExpectedRevisionError);

        expect((await collect(store.readAll())).map((event) => event.id)).toEqual([stored.id]);
        expect(await store.streamRevision('a')).toBeUndefined();
      });
    }

    describe('readStream', () => {
      it('reads from a revision, at most maxCount events', async () => {
        await store.append('user-1', newEvents(5));

        const read = await collect(store.readStream('user-1', { fromRevision: 2, maxCount: 2 }));

        expect(read.map((event) => event.revision)).toEqual([2, 3]);
      });

      it('reads only events of the given types, with their own revisions, at most maxCount of them', async () => {
        const types = ['Requested', 'Planned', 'Completed'];
        await store.append(
          'import-1',
          ['Requested', 'RowsPlanned', 'RowsPlanned', 'Planned', 'RowsPlanned', 'Completed'].map((type, n) => newEvent(type, { n })),
        );

        const all = await collect(store.readStream('import-1', { eventTypes: types }));
        expect(all.map((event) => [event.revision, event.type, event.data])).toEqual([
          [0, 'Requested', { n: 0 }],
          [3, 'Planned', { n: 3 }],
          [5, 'Completed', { n: 5 }],
        ]);
        const later = await collect(store.readStream('import-1', { eventTypes: types, fromRevision: 1, maxCount: 1 }));
        expect(later.map((event) => event.revision)).toEqual([3]);
        expect(await collect(store.readStream('import-1', { eventTypes: [] }))).toEqual([]);
      });

      it('reads only the given stream', async () => {
        await store.append('user-1', newEvents(1));
        await store.append('user-10', newEvents(1));

        expect((await collect(store.readStream('user-1'))).map((event) => event.streamId)).toEqual(['user-1']);
      });

      it('reads a missing stream as empty, with no revision', async () => {
        expect(await collect(store.readStream('nobody'))).toEqual([]);
        expect(await store.streamRevision('nobody')).toBeUndefined();
      });
    });

    describe('readAll', () => {
      beforeEach(async () => {
        await store.append('import-1', [newEvent('ImportStarted'), newEvent('RowRead')]);
        await store.append('user-1', [newEvent('UserCreated')]);
        await store.append('import-2', [newEvent('ImportStarted')]);
        await store.append('user_x', [newEvent('UserCreated')]);
      });

      it('reads the whole log in position order', async () => {
        const read = await collect(store.readAll());

        expect(read.map((event) => event.streamId)).toEqual(['import-1', 'import-1', 'user-1', 'import-2', 'user_x']);
      });

      it('reads after a position, exclusively', async () => {
        const [, second] = await collect(store.readAll());

        const read = await collect(store.readAll({ fromPosition: second.position }));

        expect(read.map((event) => event.streamId)).toEqual(['user-1', 'import-2', 'user_x']);
      });

      it('filters by stream prefix, literally', async () => {
        const imports = await collect(store.readAll({ filter: { streamPrefixes: ['import-'] } }));
        // "_" is no wildcard: "user_" must not match "user-1".
        const underscored = await collect(store.readAll({ filter: { streamPrefixes: ['user_'] } }));
        const several = await collect(store.readAll({ filter: { streamPrefixes: ['import-2', 'user-'] } }));

        expect(imports.map((event) => event.streamId)).toEqual(['import-1', 'import-1', 'import-2']);
        expect(underscored.map((event) => event.streamId)).toEqual(['user_x']);
        expect(several.map((event) => event.streamId)).toEqual(['user-1', 'import-2']);
      });

      it('filters by event type, and by prefix and type together', async () => {
        const started = await collect(store.readAll({ filter: { eventTypes: ['ImportStarted', 'UserCreated'] } }));
        const importStarts = await collect(
          store.readAll({ filter: { streamPrefixes: ['import-'], eventTypes: ['ImportStarted'] } }),
        );

        expect(started.map((event) => event.type)).toEqual(['ImportStarted', 'UserCreated', 'ImportStarted', 'UserCreated']);
        expect(importStarts.map((event) => event.streamId)).toEqual(['import-1', 'import-2']);
      });

      it('reads at most maxCount events, after filtering', async () => {
        const read = await collect(store.readAll({ filter: { eventTypes: ['UserCreated', 'RowRead'] }, maxCount: 2 }));

        expect(read.map((event) => event.type)).toEqual(['RowRead', 'UserCreated']);
      });

      it('reads logs longer than one page', async () => {
        await store.appendBatch(
          Array.from({ length: 25 }, (_, index) => ({ streamId: `bulk-${index}`, events: newEvents(100, 'Bulk') })),
        );

        const bulk = await collect(store.readAll({ filter: { eventTypes: ['Bulk'] } }));

        expect(bulk).toHaveLength(2500);
        expect(new Set(bulk.map((event) => event.position)).size).toBe(2500);
      });
    });

    describe('headPosition', () => {
      it('is START for an empty log, then the position of the last event', async () => {
        expect(await store.headPosition()).toBe(START);

        await store.append('user-1', newEvents(2));
        const last = (await collect(store.readAll())).at(-1);

        expect(await store.headPosition()).toBe(last?.position);
      });

      it('with a filter, is the last event it keeps after fromPosition, or fromPosition when there is none', async () => {
        await store.append('user-1', newEvents(2));
        await store.append('catalog', newEvents(1, 'Defined'));
        await store.append('import-1', newEvents(3));
        const log = await collect(store.readAll());
        const [lastUser, catalog, head] = [log[1].position, log[2].position, log[5].position];
        const users = { streamPrefixes: ['user-'] };

        expect(await store.headPosition({ filter: users })).toBe(lastUser);
        expect(await store.headPosition({ filter: { streamPrefixes: ['user-', 'catalog'] } })).toBe(catalog);
        expect(await store.headPosition({ filter: { eventTypes: ['Defined'] } })).toBe(catalog);
        expect(await store.headPosition({ filter: users, fromPosition: log[0].position })).toBe(lastUser);
        // Nothing it keeps after fromPosition: the answer is fromPosition itself.
        expect(await store.headPosition({ filter: users, fromPosition: lastUser })).toBe(lastUser);
        expect(await store.headPosition({ filter: users, fromPosition: catalog })).toBe(catalog);
        expect(await store.headPosition({ filter: { streamPrefixes: ['source-'] } })).toBe(START);
        expect(await store.headPosition({ fromPosition: log[0].position })).toBe(head);
      });
    });

    describe('subscribe', () => {
      function record(options: Parameters<EventStore['subscribe']>[1] = {}) {
        const received: RecordedEvent[] = [];
        const caughtUp: number[] = [];
        const subscription = store.subscribe((event) => void received.push(event), {
          ...options,
          onCaughtUp: () => caughtUp.push(received.length),
        });
        subscriptions.push(subscription);
        return { received, caughtUp, subscription };
      }

      it('delivers the backlog, reports catching up once, then delivers new events in order', async () => {
        await store.append('user-1', newEvents(2));
        const { received, caughtUp } = record();

        await eventually(() => caughtUp.length === 1);
        expect(caughtUp).toEqual([2]);

        await store.append('user-2', newEvents(1));
        await store.append('user-1', newEvents(1));
        await eventually(() => received.length === 4);
        await sleep(50);

        expect(received.map((event) => [event.streamId, event.revision])).toEqual([
          ['user-1', 0],
          ['user-1', 1],
          ['user-2', 0],
          ['user-1', 2],
        ]);
        expect(caughtUp).toEqual([2]);
      });

      it('reports catching up at the end of the backlog, before events appended after subscribing', async () => {
        await store.append('user-1', newEvents(2));
        await store.append('user-2', newEvents(1)); // the backlog ends with an event the filter skips
        const { received, caughtUp } = record({ filter: { streamPrefixes: ['user-1'] } });
        // Not awaited: the events are stored before the subscription's first read.
        const appended = store.append('user-1', newEvents(2));

        await appended;
        await eventually(() => received.length === 4);
        expect(caughtUp).toEqual([2]);
      });

      it('reports catching up on an empty log', async () => {
        const { caughtUp } = record();

        await eventually(() => caughtUp.length === 1);
      });

      it('reports catching up when the filter matches nothing in the backlog', async () => {
        await store.append('user-1', newEvents(3));
        const { caughtUp, received } = record({ filter: { streamPrefixes: ['import-'] } });

        await eventually(() => caughtUp.length === 1);
        expect(received).toEqual([]);
      });

      it('starts after fromPosition and applies the filter to backlog and live events', async () => {
        await store.append('import-1', [newEvent('ImportStarted')]);
        const { position } = await store.append('import-2', [newEvent('ImportStarted')]);
        await store.append('import-3', [newEvent('ImportStarted'), newEvent('RowRead')]);
        await store.append('user-1', [newEvent('ImportStarted')]);

        const { received, caughtUp } = record({
          fromPosition: position,
          filter: { streamPrefixes: ['import-'], eventTypes: ['ImportStarted'] },
        });
        await eventually(() => caughtUp.length === 1);
        await store.append('import-4', [newEvent('RowRead'), newEvent('ImportStarted')]);
        await eventually(() => received.length === 2);
        await sleep(50);

        expect(received.map((event) => event.streamId)).toEqual(['import-3', 'import-4']);
      });

      it('awaits the handler before delivering the next event', async () => {
        await store.append('user-1', newEvents(3));
        let running = 0;
        let overlapped = false;
        const handled: number[] = [];
        subscriptions.push(
          store.subscribe(async (event) => {
            running++;
            overlapped ||= running > 1;
            await sleep(10);
            handled.push(event.revision);
            running--;
          }),
        );

        await eventually(() => handled.length === 3);
        expect(overlapped).toBe(false);
        expect(handled).toEqual([0, 1, 2]);
      });

      it('stops delivering after stop(), which waits for the running handler', async () => {
        await store.append('user-1', newEvents(1));
        let entered = false;
        let finished = false;
        const received: RecordedEvent[] = [];
        const subscription = store.subscribe(async (event) => {
          entered = true;
          await sleep(50);
          received.push(event);
          finished = true;
        });
        await eventually(() => entered);

        await subscription.stop();
        expect(finished).toBe(true);

        await store.append('user-1', newEvents(2));
        await sleep(200);
        expect(received).toHaveLength(1);
      });

      it('stops and reports the error when the handler fails', async () => {
        await store.append('user-1', newEvents(3));
        const errors: Error[] = [];
        const handled: number[] = [];
        subscriptions.push(
          store.subscribe(
            (event) => {
              if (event.revision === 1) throw new Error('handler failed');
              handled.push(event.revision);
            },
            { onError: (error) => errors.push(error) },
          ),
        );

        await eventually(() => errors.length === 1);
        await store.append('user-1', newEvents(1));
        await sleep(200);

        expect(errors[0].message).toBe('handler failed');
        expect(handled).toEqual([0]);
      });
    });

    describe('checkpoints', () => {
      it('reads undefined for an unknown checkpoint, then what was stored last', async () => {
        expect(await store.readCheckpoint('projection')).toBeUndefined();

        await store.storeCheckpoint('projection', 5);
        await store.storeCheckpoint('projection', 7);
        await store.storeCheckpoint('other', 1);

        expect(await store.readCheckpoint('projection')).toBe(7);
        expect(await store.readCheckpoint('other')).toBe(1);
      });
    });
  });
}
