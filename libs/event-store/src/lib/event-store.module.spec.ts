import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { EventStoreUnavailableError } from './errors';
import { EventStoreModule, openEventStore } from './event-store.module';
import { EVENT_STORE, type EventStore } from './event-store.port';
import { InMemoryEventStore } from './in-memory/in-memory-event-store';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

const DATA_DIR = Symbol('DATA_DIR');
const clientLoaded = () => Object.keys(require.cache).some((path) => path.includes('@kurrent/kurrentdb-client'));

describe('EventStoreModule', () => {
  it('provides a working in-memory store and closes it on shutdown', async () => {
    const app = await Test.createTestingModule({ imports: [EventStoreModule.forRoot({ kind: 'memory' })] }).compile();
    const store = app.get<EventStore>(EVENT_STORE);
    const close = jest.spyOn(store, 'close');

    expect(store).toBeInstanceOf(InMemoryEventStore);
    await store.append('user-1', [{ id: 'e-1', type: 'UserCreated', data: {} }]);
    expect(await store.streamRevision('user-1')).toBe(0);

    await app.close();
    expect(close).toHaveBeenCalled();
  });

  it('builds the store from injected configuration with forRootAsync', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'event-store-module-'));
    // Stands in for a configuration module.
    @Module({ providers: [{ provide: DATA_DIR, useValue: dir }], exports: [DATA_DIR] })
    class DataDirModule {}
    try {
      const app = await Test.createTestingModule({
        imports: [
          EventStoreModule.forRootAsync({
            imports: [DataDirModule],
            inject: [DATA_DIR],
            useFactory: (dataDir: string) => ({ kind: 'sqlite', file: join(dataDir, 'events.db') }),
          }),
        ],
      }).compile();
      const store = app.get<EventStore>(EVENT_STORE);

      expect(store).toBeInstanceOf(SqliteEventStore);
      await expect(store.append('user-1', [{ id: 'e-1', type: 'UserCreated', data: {} }])).resolves.toMatchObject({
        position: 1,
      });
      await app.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

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
