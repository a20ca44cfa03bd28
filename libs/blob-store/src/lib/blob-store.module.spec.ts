import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { BlobStore } from './blob-store';
import { BLOB_STORE, BlobStoreModule } from './blob-store.module';

const DATA_DIR = Symbol('DATA_DIR');

describe('BlobStoreModule', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'blob-store-module-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('provides one working store under the token and the class', async () => {
    const app = await Test.createTestingModule({ imports: [BlobStoreModule.forRoot({ rootDir: join(dir, 'blobs') })] }).compile();
    const store = app.get<BlobStore>(BLOB_STORE);

    expect(app.get(BlobStore)).toBe(store);
    const ref = await store.putStream(Readable.from(['content']));
    expect(await store.has(ref.sha256)).toBe(true);
    await app.close();
  });

  it('builds the store from injected configuration with forRootAsync', async () => {
    // Stands in for a configuration module.
    @Module({ providers: [{ provide: DATA_DIR, useValue: dir }], exports: [DATA_DIR] })
    class DataDirModule {}

    const app = await Test.createTestingModule({
      imports: [
        BlobStoreModule.forRootAsync({
          imports: [DataDirModule],
          inject: [DATA_DIR],
          useFactory: (dataDir: string) => ({ rootDir: join(dataDir, 'blobs') }),
        }),
      ],
    }).compile();

    expect(app.get<BlobStore>(BLOB_STORE).rootDir).toBe(join(dir, 'blobs'));
    await app.close();
  });
});
