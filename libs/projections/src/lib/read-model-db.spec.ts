import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecondaryIndexes, dropSecondaryIndexes, missingSecondaryIndexes, openReadModelDb } from './read-model-db';

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

  it('creates the missing indexes, then gives the connection its own page cache back', () => {
    db = openReadModelDb(file, { cacheMiB: 64 });
    dropSecondaryIndexes(db);
    expect(missingSecondaryIndexes(db)).not.toEqual([]);

    createSecondaryIndexes(db);

    expect(missingSecondaryIndexes(db)).toEqual([]);
    expect(db.pragma('cache_size', { simple: true })).toBe(-64 * 1024);
  });

  it('leaves missing indexes missing when opened without creating them (the projection thread, which may open it mid-rebuild)', () => {
    db = openReadModelDb(file);
    dropSecondaryIndexes(db);
    const dropped = missingSecondaryIndexes(db);

    const thread = openReadModelDb(file, { createIndexes: false });
    thread.close();

    expect(missingSecondaryIndexes(db)).toEqual(dropped);
    expect(dropped.length).toBeGreaterThan(0);
  });

  it("adds the plan columns to an earlier version's report and empties it to be projected again; the directory stays", () => {
    const older = new Database(file);
    older.exec(`CREATE TABLE import_rows (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, import_id TEXT NOT NULL, row INTEGER, key TEXT, email TEXT, user_id TEXT,
      outcome TEXT NOT NULL, reasons TEXT NOT NULL, warnings TEXT NOT NULL, changes TEXT, ord INTEGER NOT NULL,
      plan_number INTEGER NOT NULL DEFAULT 0)`);
    older.exec(`INSERT INTO import_rows (import_id, row, outcome, reasons, warnings, changes, ord, plan_number)
      VALUES ('i1', 2, 'created', '[]', '[]', '{"title":{"to":"CTO"}}', 2, 1)`);
    older.exec(`CREATE TABLE projection_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)`);
    older.exec(`INSERT INTO projection_checkpoints VALUES ('directory', 7), ('import-report', 7)`);
    older.close();

    db = openReadModelDb(file);
    db.prepare(`INSERT INTO import_rows (import_id, outcome, reasons, warnings, ord, plan_offset, plan_length) VALUES ('i2', 'created', '[]', '[]', 2, 0, 10)`).run();
    db.close();
    db = openReadModelDb(file); // upgraded already: the rows projected since stay

    expect(db.prepare('SELECT import_id, plan_offset, plan_length FROM import_rows').all()).toEqual([{ import_id: 'i2', plan_offset: 0, plan_length: 10 }]);
    expect(db.prepare('SELECT name, position FROM projection_checkpoints').all()).toEqual([{ name: 'directory', position: 7 }]);
  });
});
