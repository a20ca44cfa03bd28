import {
  ANY,
  AccessDeniedError,
  DeadlineExceededError,
  NO_STREAM,
  START as CLIENT_START,
  STREAM_EXISTS,
  UnavailableError,
} from '@kurrent/kurrentdb-client';
import { EventStoreUnavailableError, PartialDuplicateAppendError, WrongExpectedRevisionError } from '../errors';
import { eventStoreContract } from '../event-store.contract';
import type { NewEvent, RecordedEvent, Subscription } from '../event-store.port';
import { InMemoryEventStore } from '../in-memory/in-memory-event-store';
import { EventStoreLeases, LeaseLostError } from '../event-store-lease';
import { FakeKurrentDbClient } from './fake-kurrentdb-client';
import { KurrentDbEventStore, type KurrentDbEventStoreOptions } from './kurrentdb-event-store';
import { EventTooLargeError, serializedSize, toReadPosition, toStreamState } from './kurrentdb-mapping';
import { eventually } from '../eventually';

/** Against the in-memory fake everything is near immediate: a short wait, polled often. */
const soon = (condition: () => boolean) => eventually(condition, 2000, 2);

const quick: KurrentDbEventStoreOptions = {
  retry: { initialDelayMs: 0, maxDelayMs: 0 },
  resubscribe: { initialDelayMs: 0, maxDelayMs: 0 },
  onWarning: () => undefined,
};

let sequence = 0;
function event(type = 'Happened', data: unknown = {}): NewEvent {
  sequence++;
  return { id: `10000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`, type, data };
}
const events = (count: number, type = 'Happened') => Array.from({ length: count }, () => event(type));

async function collect(iterable: AsyncIterable<RecordedEvent>): Promise<RecordedEvent[]> {
  const all: RecordedEvent[] = [];
  for await (const item of iterable) all.push(item);
  return all;
}

/** What appends against an unreachable server reject with: a plain gRPC error, code 14. */
function grpcUnavailable(): Error {
  return Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 });
}

// The adapter's logic end to end, against the test double. The same suite runs against a real
// server in kurrentdb-event-store.int.spec.ts when KURRENTDB_CONNECTION_STRING is set.
eventStoreContract('KurrentDbEventStore over a client test double', async () => ({
  store: new KurrentDbEventStore(new FakeKurrentDbClient(), quick),
}));

describe('KurrentDbEventStore', () => {
  let client: FakeKurrentDbClient;
  let store: KurrentDbEventStore;
  let warnings: string[];
  const subscriptions: Subscription[] = [];

  beforeEach(() => {
    client = new FakeKurrentDbClient();
    warnings = [];
    store = new KurrentDbEventStore(client, { ...quick, onWarning: (message) => warnings.push(message) });
  });

  afterEach(async () => {
    await Promise.all(subscriptions.splice(0).map((subscription) => subscription.stop()));
    await store.close();
  });

  describe('expected revisions', () => {
    it('maps each kind to the client stream state', () => {
      expect(toStreamState('any')).toBe(ANY);
      expect(toStreamState('no-stream')).toBe(NO_STREAM);
      expect(toStreamState('stream-exists')).toBe(STREAM_EXISTS);
      expect(toStreamState(0)).toBe(0n);
      expect(toStreamState(41)).toBe(41n);
      expect(() => toStreamState(-1)).toThrow(TypeError);
      expect(() => toStreamState(1.5)).toThrow(TypeError);
    });

    it('sends the mapped state with each append', async () => {
      await store.append('user-1', events(1), 'no-stream');
      await store.append('user-1', events(1), 'stream-exists');
      await store.append('user-1', events(1), 1);
      await store.append('user-1', events(1), 'any');
      await store.append('user-1', events(1));

      expect(client.appendCalls.map((call) => call.streamState)).toEqual([NO_STREAM, STREAM_EXISTS, 1n, ANY, ANY]);
    });

    it('maps WrongExpectedVersionError to WrongExpectedRevisionError with stream, expected and actual', async () => {
      await store.append('user-1', events(2));

      await expect(store.append('user-1', events(1), 0)).rejects.toMatchObject({
        constructor: WrongExpectedRevisionError,
        streamId: 'user-1',
        expected: 0,
        actual: 1,
      });
      await expect(store.append('user-1', events(1), 'no-stream')).rejects.toMatchObject({ expected: 'no-stream', actual: 1 });
      await expect(store.append('user-2', events(1), 'stream-exists')).rejects.toMatchObject({
        constructor: WrongExpectedRevisionError,
        streamId: 'user-2',
        expected: 'stream-exists',
        actual: undefined,
      });
    });

    it("reports an 'any' retry whose ids are only partly stored as PartialDuplicateAppendError", async () => {
      const [stored, fresh] = events(2);
      await store.append('user-1', [stored]);

      await expect(store.append('user-1', [stored, fresh])).rejects.toThrow(PartialDuplicateAppendError);
    });

    it('passes event ids through, so a retry with the same revision writes nothing and returns the original result', async () => {
      const batch = events(2);
      const original = await store.append('user-1', batch, 'no-stream');

      const retried = await store.append('user-1', batch, 'no-stream');

      expect(client.appendCalls[1].ids).toEqual(batch.map((item) => item.id));
      expect(retried).toEqual(original);
      expect(client.log).toHaveLength(2);
    });
  });

  describe('retries', () => {
    it.each([
      ['UnavailableError', () => new UnavailableError()],
      ['a plain gRPC error with code 14', grpcUnavailable],
      ['DeadlineExceededError', () => new DeadlineExceededError()],
    ])('sends the same events with the same revision again after %s', async (_name, error) => {
      await store.append('user-1', events(1));
      const batch = events(2);
      client.failNext('appendToStream', error(), { times: 2 });

      const result = await store.append('user-1', batch, 0);

      const calls = client.appendCalls.slice(1);
      expect(calls).toHaveLength(3);
      calls.forEach((call) => expect(call).toMatchObject({ streamName: 'user-1', ids: batch.map((item) => item.id), streamState: 0n }));
      expect(result.nextRevision).toBe(2);
      expect(warnings).toHaveLength(2);
    });

    it('does not duplicate events when the lost reply was a success: the retry is idempotent', async () => {
      const batch = events(2);
      client.failNext('appendToStream', new DeadlineExceededError(), { afterCommit: true });

      const result = await store.append('user-1', batch, 'no-stream');

      expect(client.log.map((stored) => stored.id)).toEqual(batch.map((item) => item.id));
      // The idempotent answer has no position: the adapter looks it up.
      expect(result).toEqual({ streamId: 'user-1', nextRevision: 1, position: Number(client.log[1].position) });
    });

    it('gives up after the bound with EventStoreUnavailableError', async () => {
      client.failNext('appendToStream', grpcUnavailable(), { times: 5 });

      const failure = store.append('user-1', events(1));

      await expect(failure).rejects.toThrow(EventStoreUnavailableError);
      await expect(failure).rejects.toThrow(/unavailable: appending to user-1 failed 5 times .*code|UNAVAILABLE/);
      expect(client.appendCalls).toHaveLength(5);
      expect(client.log).toHaveLength(0);
    });

    it('does not retry other errors', async () => {
      client.failNext('appendToStream', new AccessDeniedError(undefined, 'Access denied'));

      await expect(store.append('user-1', events(1))).rejects.toThrow(AccessDeniedError);
      expect(client.appendCalls).toHaveLength(1);
    });

    it('retries reads too', async () => {
      await store.append('user-1', events(3));
      client.failNext('readStream', new UnavailableError(), { times: 2 });
      client.failNext('readAll', new UnavailableError());

      expect(await collect(store.readStream('user-1'))).toHaveLength(3);
      expect(await collect(store.readAll())).toHaveLength(3);
    });

    it('fails startup checks with a clear message when the server cannot be reached', async () => {
      client.failNext('readAll', new UnavailableError(), { times: 5 });

      await expect(store.verifyConnection()).rejects.toThrow(
        /KurrentDB at the configured client is unavailable: connecting failed 5 times \(last error: UnavailableError\)/,
      );
    });
  });

  describe('reads', () => {
    it('reads a missing stream as empty, with no revision', async () => {
      expect(await collect(store.readStream('nobody'))).toEqual([]);
      expect(await store.streamRevision('nobody')).toBeUndefined();
    });

    it("maps recorded events: revision, commit position, JSON data and metadata, the event's created time", async () => {
      const [stored] = client.store('user-1', [{ type: 'UserCreated', data: { name: 'Ada' }, metadata: { importId: 'i-1' } }]);

      const [read] = await collect(store.readStream('user-1'));

      expect(read).toEqual({
        id: stored.id,
        type: 'UserCreated',
        streamId: 'user-1',
        revision: 0,
        position: Number(stored.position),
        data: { name: 'Ada' },
        metadata: { importId: 'i-1' },
        recordedAt: stored.created.toISOString(),
      });
    });

    it('starts reads of the log strictly after fromPosition, though the server includes it', async () => {
      await store.append('user-1', events(3));
      const [, second, third] = await collect(store.readAll());

      const read = await collect(store.readAll({ fromPosition: second.position }));

      expect(client.readAllCalls.at(-1)?.fromPosition).toEqual({ commit: BigInt(second.position), prepare: BigInt(second.position) });
      expect(read.map((item) => item.id)).toEqual([third.id]);
      expect(toReadPosition(0)).toBe(CLIENT_START);
    });

    it('passes filters to the server: stream prefixes, else exact event types, else no system events', async () => {
      await collect(store.readAll({ filter: { streamPrefixes: ['import-'], eventTypes: ['ImportStarted'] } }));
      await collect(store.readAll({ filter: { eventTypes: ['ImportStarted', 'Row.Read'] } }));
      await collect(store.readAll());

      const filters = client.readAllCalls.map((call) => call.filter);
      expect(filters[0]).toMatchObject({ filterOn: 'streamName', prefixes: ['import-'] });
      expect(filters[1]).toMatchObject({ filterOn: 'eventType', regex: '^(?:ImportStarted|Row\\.Read)$' });
      expect(filters[2]).toMatchObject({ filterOn: 'eventType', regex: '^[^$].*' });
    });

    it('still applies the whole filter to what the server sends', async () => {
      client.store('import-1', [{ type: 'ImportStarted' }, { type: 'RowRead' }]);
      client.store('$stats-1', [{ type: 'Stat' }]);
      client.store('user-1', [{ type: '$metadata' }]);

      const read = await collect(store.readAll({ filter: { streamPrefixes: ['import-'], eventTypes: ['ImportStarted'] } }));
      const everything = await collect(store.readAll());

      expect(read.map((item) => item.type)).toEqual(['ImportStarted']);
      expect(everything.map((item) => item.streamId)).toEqual(['import-1', 'import-1']);
    });

    it('keeps a namespace: prefixed on the server, stripped for the port, alone in reads and the head', async () => {
      client.store('other-user-1', [{ type: 'UserCreated' }]);
      const scoped = new KurrentDbEventStore(client, { ...quick, namespace: 'run42-' });

      expect(await scoped.headPosition()).toBe(0);
      await scoped.append('user-1', events(1));
      await collect(scoped.readAll({ filter: { streamPrefixes: ['user-'] } }));

      expect(client.log.at(-1)?.streamId).toBe('run42-user-1');
      expect(client.readAllCalls.at(-1)?.filter).toMatchObject({ prefixes: ['run42-user-'] });
      expect((await collect(scoped.readAll())).map((item) => item.streamId)).toEqual(['user-1']);
      expect(await scoped.headPosition()).toBe(Number(client.log.at(-1)?.position));
      await scoped.close();
    });
  });

  describe('append size', () => {
    const big = (kib: number): NewEvent => ({ ...event('Big'), data: { blob: 'x'.repeat(kib * 1024) } });

    it('splits an append over 1 MiB into parts under it, each expecting the revision the previous one left', async () => {
      const batch = Array.from({ length: 8 }, () => big(300));

      const result = await store.append('import-1', batch, 'no-stream');

      expect(client.appendCalls.map((call) => call.streamState)).toEqual([NO_STREAM, 2n, 5n]);
      client.appendCalls.forEach((call) => expect(call.bytes).toBeLessThan(1024 * 1024));
      expect(client.appendCalls.flatMap((call) => call.ids)).toEqual(batch.map((item) => item.id));
      expect(result).toEqual({ streamId: 'import-1', nextRevision: 7, position: Number(client.log[7].position) });
    });

    it('completes a split append interrupted after its first part when the same events are appended again', async () => {
      const batch = Array.from({ length: 8 }, () => big(300));
      // What a crash after the first part (3 events of 300 KiB) leaves behind.
      await store.append('import-1', batch.slice(0, 3), 'no-stream');
      client.appendCalls.length = 0;

      await expect(store.append('import-1', batch, 'no-stream')).resolves.toMatchObject({ nextRevision: 7 });

      expect(client.appendCalls.map((call) => call.streamState)).toEqual([NO_STREAM, 2n, 5n]);
      expect(client.log.map((stored) => stored.id)).toEqual(batch.map((item) => item.id));
    });

    it('refuses a single event over the limit, writing nothing', async () => {
      const huge = big(1100);

      await expect(store.append('import-1', [event(), huge])).rejects.toThrow(EventTooLargeError);
      await expect(store.append('import-1', [huge])).rejects.toThrow(/MaxAppendSize 1048576 bytes/);
      expect(client.appendCalls).toHaveLength(0);
      expect(serializedSize(huge)).toBeGreaterThan(1024 * 1024);
    });
  });

  describe('subscribe', () => {
    function record(options: Parameters<KurrentDbEventStore['subscribe']>[1] = {}, handle?: (event: RecordedEvent) => Promise<void>) {
      const received: RecordedEvent[] = [];
      const caughtUp: number[] = [];
      const subscription = store.subscribe(
        async (item) => {
          await handle?.(item);
          received.push(item);
        },
        { ...options, onCaughtUp: () => caughtUp.push(received.length) },
      );
      subscriptions.push(subscription);
      return { received, caughtUp };
    }

    it('passes the filter and an exclusive start position to subscribeToAll', async () => {
      await store.append('import-1', events(2));
      const [first] = await collect(store.readAll());

      const { received, caughtUp } = record({ fromPosition: first.position, filter: { streamPrefixes: ['import-'] } });
      await soon(() => caughtUp.length === 1);

      expect(client.subscriptions[0].options).toMatchObject({
        fromPosition: { commit: BigInt(first.position), prepare: BigInt(first.position) },
        filter: { filterOn: 'streamName', prefixes: ['import-'] },
      });
      expect(received.map((item) => item.revision)).toEqual([1]);
    });

    it('resubscribes after a drop from the last handled position, then delivers each event once', async () => {
      await store.append('user-1', events(2));
      const { received, caughtUp } = record();
      await soon(() => received.length === 2);

      client.dropSubscriptions(new UnavailableError());
      await soon(() => client.subscriptions.length === 2);
      await store.append('user-1', events(2));
      await soon(() => received.length === 4);
      await new Promise((resolve) => setTimeout(resolve, 20));

      expect(client.subscriptions[0].unsubscribed).toBe(true);
      expect(client.subscriptions[1].options.fromPosition).toEqual({
        commit: BigInt(received[1].position),
        prepare: BigInt(received[1].position),
      });
      expect(received.map((item) => item.revision)).toEqual([0, 1, 2, 3]);
      expect(caughtUp).toEqual([2]);
      expect(warnings.join()).toMatch(/dropped \(UnavailableError\); resubscribing after position/);
    });

    it('resubscribes from the event being handled when the drop comes mid-handler, without handling it twice', async () => {
      await store.append('user-1', events(3));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const { received } = record({}, async (item) => {
        if (item.revision === 1) await gate;
      });
      await soon(() => received.length === 1);

      client.dropSubscriptions(grpcUnavailable());
      await soon(() => client.subscriptions.length === 2);
      release();
      await soon(() => received.length === 3);
      await new Promise((resolve) => setTimeout(resolve, 20));

      expect(received.map((item) => item.revision)).toEqual([0, 1, 2]);
    });

    it('reports catching up once, after the backlog, even with the server stream paused', async () => {
      const paused = new KurrentDbEventStore(client, { ...quick, subscriptionBuffer: 2 });
      await paused.append('user-1', events(10));
      const received: number[] = [];
      const caughtUp: number[] = [];
      const subscription = paused.subscribe(
        async (item) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          received.push(item.revision);
        },
        { onCaughtUp: () => caughtUp.push(received.length) },
      );
      await soon(() => caughtUp.length === 1);
      client.dropSubscriptions(new UnavailableError());
      await paused.append('user-1', events(1));
      await soon(() => received.length === 11);
      await subscription.stop();
      await paused.close();

      expect(caughtUp).toEqual([10]);
      expect(received).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    });

    it('stops for good on a permanent error, and reports it', async () => {
      const errors: Error[] = [];
      subscriptions.push(store.subscribe(() => undefined, { onError: (error) => errors.push(error) }));
      await soon(() => client.subscriptions.length === 1);

      client.dropSubscriptions(new AccessDeniedError(undefined, 'Access denied'));
      await soon(() => errors.length === 1);
      await new Promise((resolve) => setTimeout(resolve, 20));

      expect(errors[0]).toBeInstanceOf(AccessDeniedError);
      expect(client.subscriptions).toHaveLength(1);
    });

    it('stop() ends delivery and unsubscribes', async () => {
      const { received, caughtUp } = record();
      await soon(() => caughtUp.length === 1);

      await subscriptions[0].stop();
      await store.append('user-1', events(1));
      await new Promise((resolve) => setTimeout(resolve, 20));

      expect(received).toEqual([]);
      expect(client.subscriptions[0].unsubscribed).toBe(true);
    });
  });

  describe('checkpoints', () => {
    it('keeps them in their own streams, limited to the last one, hidden from the log', async () => {
      await store.append('user-1', events(1));
      const head = await store.headPosition();

      await store.storeCheckpoint('projection', 5);
      await store.storeCheckpoint('projection', 7);

      expect(await store.readCheckpoint('projection')).toBe(7);
      expect(client.metadata.get('_checkpoint-projection')).toEqual({ maxCount: 1 });
      expect(client.log.at(-1)).toMatchObject({ streamId: '_checkpoint-projection', type: '$checkpoint' });
      expect(await store.headPosition()).toBe(head);
      expect(await collect(store.readAll())).toHaveLength(1);
    });
  });

  describe('lifecycle', () => {
    it('disposes of the client it created, not of one it was given', async () => {
      const owned = new KurrentDbEventStore('kurrentdb://admin:secret@127.0.0.1:1?tls=false', quick);
      await owned.close();
      await store.close();

      expect(client.disposed).toBe(false);
      await expect(store.append('user-1', events(1))).rejects.toThrow(EventStoreUnavailableError);
    });

    it('reports an unreachable server, both shapes of the real client, as EventStoreUnavailableError naming it', async () => {
      const unreachable = new KurrentDbEventStore('kurrentdb://admin:secret@127.0.0.1:1?tls=false', {
        ...quick,
        retry: { maxAttempts: 2, initialDelayMs: 0, maxDelayMs: 0 },
      });
      try {
        // Reads throw the client's UnavailableError; appends a plain gRPC error with code 14.
        await expect(unreachable.verifyConnection()).rejects.toThrow(/KurrentDB at kurrentdb:\/\/\*\*\*@127\.0\.0\.1:1\?tls=false is unavailable/);
        await expect(unreachable.append('user-1', events(1))).rejects.toThrow(EventStoreUnavailableError);
      } finally {
        await unreachable.close();
      }
    }, 30_000);
  });
});

describe.each([
  ['InMemoryEventStore', () => new InMemoryEventStore()],
  ['KurrentDbEventStore (test double)', () => new KurrentDbEventStore(new FakeKurrentDbClient(), quick)],
])('EventStoreLeases over %s', (_name, createStore) => {
  let now = 1_000_000;
  const clock = () => now;

  it('lets exactly one of two concurrent claimers win', async () => {
    const store = createStore();
    const leases = new EventStoreLeases(store, clock);

    const claims = await Promise.all([leases.claim('load-i1', 'a', 60_000), leases.claim('load-i1', 'b', 60_000)]);

    expect(claims.filter((claim) => claim.acquired)).toHaveLength(1);
    const loser = claims.find((claim) => !claim.acquired);
    expect(loser).toMatchObject({ acquired: false, done: false, expiresAt: now + 60_000 });
    await store.close();
  });

  it('renews for the holder, passes to another after expiry, and stays done once released as done', async () => {
    const store = createStore();
    const leases = new EventStoreLeases(store, clock);
    const first = await leases.claim('load-i1', 'a', 1000);
    expect(first).toMatchObject({ acquired: true, token: 0 });
    await expect(leases.renew('load-i1', 'a', 1000)).resolves.toMatchObject({ token: 1 });
    await expect(leases.renew('load-i1', 'b', 1000)).rejects.toThrow(LeaseLostError);

    now += 1001;
    await expect(leases.claim('load-i1', 'b', 1000)).resolves.toMatchObject({ acquired: true, token: 2 });
    await expect(leases.release('load-i1', 'a', { done: true })).rejects.toThrow(LeaseLostError);
    await leases.release('load-i1', 'b', { done: true });

    await expect(leases.claim('load-i1', 'a', 1000)).resolves.toEqual({ acquired: false, done: true, holder: 'b' });
    await store.close();
  });

  it('can be claimed again at once after a release that is not done', async () => {
    const store = createStore();
    const leases = new EventStoreLeases(store, clock);
    await leases.claim('load-i1', 'a', 60_000);
    await leases.release('load-i1', 'a', { done: false });

    await expect(leases.claim('load-i1', 'b', 60_000)).resolves.toMatchObject({ acquired: true });
    await store.close();
  });
});
