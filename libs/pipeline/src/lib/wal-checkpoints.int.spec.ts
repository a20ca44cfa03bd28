import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { eventStoreOptions, PipelineModule } from './pipeline.module';
import { loadSettings } from './settings';
import { WalCheckpoints } from './wal-checkpoints';

describe('WalCheckpoints in the pipeline', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'wal-checkpoints-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('checkpoints the data dir’s read models (both files), and its log on the embedded store, and lets go of them on close', async () => {
    const app = await NestFactory.createApplicationContext(
      PipelineModule.forRoot({ settings: loadSettings({ ETL_DATA_DIR: dataDir }), stages: { transformation: false, loading: false, projections: false } }),
      { logger: false },
    );
    const store = eventStoreOptions(dataDir);
    const readModels = join(dataDir, 'readmodels.sqlite');
    const directory = `${readModels}.directory`;
    const checkpoints = app.get(WalCheckpoints);
    expect(checkpoints.files).toEqual(store.kind === 'sqlite' ? [store.file, readModels, directory] : [readModels, directory]);
    await checkpoints.running();

    await app.get<EventStore>(EVENT_STORE).append('probe-1', [{ id: 'f3a1c2d4-0000-4000-8000-000000000001', type: 'Probed', data: {} }]);
    await app.close();
    // SQLite removes a WAL when the last connection to its file closes: the thread's was closed too.
    expect(existsSync(`${readModels}-wal`)).toBe(false);
    expect(existsSync(`${directory}-wal`)).toBe(false);
    if (store.kind === 'sqlite') expect(existsSync(`${store.file}-wal`)).toBe(false);
  });
});
