import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobStore, readNdjson } from '@dirsync/blob-store';
import { DEFAULT_IMPORT_OPTIONS, type ImportEvent, type ImportTransformed, type UserRecord } from '@dirsync/domain';
import { InMemoryEventStore } from '@dirsync/event-store';
import { ImportLog } from '@dirsync/import-log';
import { TransformImportService } from './transform-import.service';

const importId = '019aa6f2-3c41-7d2e-9b1a-000000000001';

describe('TransformImportService', () => {
  let dir: string;
  let store: InMemoryEventStore;
  let blobs: BlobStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'transformation-'));
    store = new InMemoryEventStore();
    blobs = new BlobStore(join(dir, 'blobs'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Requests an import of `content` as the extraction stage does, then transforms it. */
  async function transform(content: string): Promise<ImportEvent[]> {
    const path = join(dir, 'users.csv');
    writeFileSync(path, content);
    const file = await blobs.putFile(path);
    const log = new ImportLog(store);
    await log.append(importId, -1, [
      {
        name: 'requested',
        type: 'ImportRequested',
        data: { importId, fileName: 'users.csv', file, format: 'csv', options: DEFAULT_IMPORT_OPTIONS, source: { kind: 'cli' }, requestedBy: 'ada', requestedAt: new Date().toISOString() },
      },
    ]);
    await new TransformImportService(store, blobs).transform(importId);
    const events: ImportEvent[] = [];
    for await (const { type, data } of store.readStream(`import-${importId}`)) events.push({ type, data } as ImportEvent);
    return events;
  }

  async function lines<T>(sha256: string): Promise<T[]> {
    const values: T[] = [];
    for await (const value of readNdjson<T>(blobs.openRead(sha256))) values.push(value);
    return values;
  }

  it('writes the valid records in file order; a bad row is rejected on its own', async () => {
    const events = await transform('UserIdentifier,UPN,Email,Username,FirstName\nu1,u1,u1@x.com,,Ann\nu2,u2,not-an-email,,Bob\nu3,u3,u3@x.com,bee,Bea\n');
    const transformed = events.find((e) => e.type === 'ImportTransformed')?.data as ImportTransformed;
    expect(transformed).toMatchObject({ matchBy: 'identifier', totalRows: 3, validRows: 2, rejectedRows: 1 });
    const records = await lines<UserRecord>(transformed.records.sha256);
    expect(records.map((r) => [r.row, r.profile.firstName])).toEqual([[2, 'Ann'], [4, 'Bea']]);
    expect(events.find((e) => e.type === 'ImportRowsRejected')?.data).toMatchObject({ rows: [{ row: 3, key: 'u2' }] });
  });

  it('fails a file that breaks after thousands of rows and keeps none of what it wrote', async () => {
    // Enough valid rows that the records writer has gone to its temp file (256 KiB).
    const rows = Array.from({ length: 12_000 }, (_, i) => `u${i},u${i},u${i}@x.com,Ann`);
    const events = await transform(['UserIdentifier,UPN,Email,FirstName', ...rows, 'u-last,u-last,"unclosed,Ann', ''].join('\n'));
    expect(events.map((e) => e.type)).toEqual(['ImportRequested', 'ImportFailed']);
    expect(events[1].data).toMatchObject({ stage: 'transformation', reason: expect.stringContaining('users.csv') });
    // Only the file itself is stored: no records or rejections blob, no temp file left behind.
    const stored = readdirSync(join(dir, 'blobs'), { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
    expect(stored.map((entry) => entry.name)).toHaveLength(1);
  });
});
