import { EventStoreUnavailableError } from './errors';
import { openEventStore } from './event-store.module';
import { InMemoryEventStore } from './in-memory/in-memory-event-store';

const clientLoaded = () => Object.keys(require.cache).some((path) => path.includes('@kurrent/kurrentdb-client'));

describe('openEventStore', () => {
  it('opens an embedded store without loading the KurrentDB client', async () => {
    const store = await openEventStore({ kind: 'memory' });
    expect(store).toBeInstanceOf(InMemoryEventStore);
    expect(clientLoaded()).toBe(false);
    await store.close();
  });

  it('loads the KurrentDB adapter when configured, and stops with a message naming a server that does not answer', async () => {
    const opening = openEventStore({ kind: 'kurrentdb', connectionString: 'kurrentdb://127.0.0.1:1?tls=false' });
    await expect(opening).rejects.toThrow(EventStoreUnavailableError);
    await expect(opening).rejects.toThrow(/127\.0\.0\.1:1/);
    expect(clientLoaded()).toBe(true);
  }, 60_000);
});
