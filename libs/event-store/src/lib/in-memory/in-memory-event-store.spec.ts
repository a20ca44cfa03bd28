import { eventStoreContract } from '../event-store.contract';
import type { RecordedEvent } from '../event-store.port';
import { InMemoryEventStore } from './in-memory-event-store';

eventStoreContract('InMemoryEventStore', async () => ({ store: new InMemoryEventStore() }), { densePositions: true, knowsEveryId: true, atomicBatches: true });

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

  it('hands out copies, so changing a read event does not change the store', async () => {
    await store.append('a', [event('1', { name: 'Ada' })]);

    const [first] = await readAll();
    (first.data as { name: string }).name = 'changed';

    expect((await readAll())[0].data).toEqual({ name: 'Ada' });
  });
});
