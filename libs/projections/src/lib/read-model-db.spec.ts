import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadModelDb } from './read-model-db';

describe('openReadModelDb', () => {
  let dir: string;
  let file: string;
  let db: Database.Database | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'read-models-'));
    file = join(dir, 'readmodels.sqlite');
  });

  afterEach(() => {
    db?.close();
    db = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const pageSizeOf = (opened: Database.Database) => opened.pragma('page_size', { simple: true });
  const tables = (opened: Database.Database) =>
    (opened.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('users', 'imports', 'import_rows') ORDER BY name`).all() as { name: string }[]).map((t) => t.name);

  it('creates a new file with 16 KiB pages', () => {
    db = openReadModelDb(file);

    expect(pageSizeOf(db)).toBe(16_384);
    expect(tables(db)).toEqual(['import_rows', 'imports', 'users']);
  });

  it('opens a file made with 4 KiB pages as it is and adds the schema to it', () => {
    const older = new Database(file);
    older.pragma('page_size = 4096');
    older.exec('CREATE TABLE kept (n INTEGER)');
    older.close();

    db = openReadModelDb(file);

    expect(pageSizeOf(db)).toBe(4096);
    expect(tables(db)).toEqual(['import_rows', 'imports', 'users']);
  });
});
