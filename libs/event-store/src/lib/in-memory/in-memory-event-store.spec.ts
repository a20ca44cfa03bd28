import { DuplicateEventIdError, WrongExpectedRevisionError } from '../errors';
import { eventStoreContract } from '../event-store.contract';
import type { RecordedEvent } from '../event-store.port';
import { InMemoryEventStore } from './in-memory-event-store';

eventStoreContract('InMemoryEventStore', async () => ({ store: new InMemoryEventStore() }));

describe('InMemoryEventStore', () => {
  let store: InMemoryEventStore;
  beforeEach(() => (store = new InMemoryEventStore()));
  afterEach(() => store.close());

  const event = (id: string, data: unknown = {}) => ({ id, type: 'Happened', data });

  async function readAll(): Promise<RecordedEvent[]> {
    const all: RecordedEvent[] = [];
    for await (const recorded of store.readAll()) all.push(recorded);
    return all;
  }

  it('numbers positions 1, 2, 3… across streams', async () => {
    await store.append('a', [event('1'), event('2')]);
    await store.append('b', [event('3')]);

    expect((await readAll()).map((recorded) => recorded.position)).toEqual([1, 2, 3]);
  });

  it('treats a re-append of stored ids as a retry whatever the expected revision', async () => {
    const original = await store.append('a', [event('1')]);
    await store.append('a', [event('2')]);

    expect(await store.append('a', [event('1')], 'no-stream')).toEqual(original);
  });

  it('rejects an id already stored in another stream', async () => {
    await store.append('a', [event('1')]);

    await expect(store.append('b', [event('1')])).rejects.toThrow(DuplicateEventIdError);
  });

  it('writes nothing of a batch when one request conflicts', async () => {
    await store.append('b', [event('1')]);

    await expect(
      store.appendBatch([
        { streamId: 'a', events: [event('2')] },
        { streamId: 'b', events: [event('3')], expectedRevision: 'no-stream' },
      ]),
    ).rejects.toThrow(WrongExpectedRevisionError);

    expect((await readAll()).map((recorded) => recorded.id)).toEqual(['1']);
    await expect(store.append('a', [event('2')], 'no-stream')).resolves.toMatchObject({ position: 2 });
  });

  it('hands out copies, so changing a read event does not change the store', async () => {
    await store.append('a', [event('1', { name: 'Ada' })]);

    const [first] = await readAll();
    (first.data as { name: string }).name = 'changed';

    expect((await readAll())[0].data).toEqual({ name: 'Ada' });
  });
});
