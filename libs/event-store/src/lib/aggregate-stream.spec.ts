import { aggregateStream } from './aggregate-stream';
import { InMemoryEventStore } from './in-memory/in-memory-event-store';

type CounterEvent = { type: 'Added'; data: { by: number } };
const evolve = (state: number | undefined, event: CounterEvent): number => (state ?? 0) + event.data.by;

describe('aggregateStream', () => {
  it('folds every event of the stream and returns the revision it read', async () => {
    const store = new InMemoryEventStore();
    await store.append('counter-1', [
      { id: 'a', type: 'Added', data: { by: 2 } },
      { id: 'b', type: 'Added', data: { by: 3 } },
    ]);
    await store.append('counter-2', [{ id: 'c', type: 'Added', data: { by: 100 } }]);

    expect(await aggregateStream(store, 'counter-1', evolve)).toEqual({ state: 5, revision: 1 });
  });

  it('is undefined for a stream without events', async () => {
    expect(await aggregateStream(new InMemoryEventStore(), 'counter-9', evolve)).toBeUndefined();
  });
});
