import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobStore } from '@dirsync/blob-store';
import { InMemoryEventStore } from '@dirsync/event-store';
import { InvalidImportOptionsError, RequestImportService, sanitizeFileName } from './request-import.service';

const content = 'UserIdentifier,UPN\na,a\n';

describe('RequestImportService', () => {
  let dir: string;
  let store: InMemoryEventStore;
  let blobs: BlobStore;
  let service: RequestImportService;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'extraction-'));
    store = new InMemoryEventStore();
    blobs = new BlobStore(join(dir, 'blobs'));
    service = new RequestImportService(store, blobs, { defaultLanguage: 'es' });
    file = join(dir, 'in.csv');
    writeFileSync(file, content);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the file by checksum and appends ImportRequested with the resolved options', async () => {
    const importId = await service.request({ filePath: file, fileName: '../../etc/users.XML', options: { dryRun: true }, source: { kind: 'cli' }, requestedBy: 'ada' });
    const events = [];
    for await (const event of store.readStream(`import-${importId}`)) events.push(event);
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('ImportRequested');
    const data = events[0].data as { fileName: string; format: string; file: { sha256: string; size: number }; options: object };
    expect(data.fileName).toBe('users.XML');
    expect(data.format).toBe('xml');
    expect(data.options).toMatchObject({ dryRun: true, updateExisting: true, defaultLanguage: 'es' });
    expect(await blobs.has(data.file.sha256)).toBe(true);
    expect(data.file.size).toBe(Buffer.byteLength(content));
  });

  it('refuses contradictory options and stores nothing', async () => {
    await expect(
      service.request({ filePath: file, fileName: 'u.csv', options: { activateDeleted: true, updateExisting: false }, source: { kind: 'cli' }, requestedBy: 'ada' }),
    ).rejects.toBeInstanceOf(InvalidImportOptionsError);
    expect(await store.headPosition()).toBe(0);
  });
});

describe('sanitizeFileName', () => {
  it('keeps only the base name without control characters', () => {
    expect(sanitizeFileName('C:\\exports\\users.csv')).toBe('users.csv');
    expect(sanitizeFileName('a\u0000b\n.csv')).toBe('ab.csv');
    expect(sanitizeFileName('')).toBe('upload');
  });
});
