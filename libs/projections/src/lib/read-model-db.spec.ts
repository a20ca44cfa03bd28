import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecondaryIndexes, directoryFileOf, dropSecondaryIndexes, missingSecondaryIndexes, openReadModelDb } from './read-model-db';

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

  const pageSizeOf = (opened: Database.Database, schema = 'main') => opened.pragma(`${schema}.page_size`, { simple: true });
  /** The read models' tables, each named with the schema (so the file) that holds it. */
  const tables = (opened: Database.Database) =>
    opened
      .prepare(
        `SELECT 'main.' || name FROM main.sqlite_master WHERE type = 'table' AND name IN ('users', 'imports', 'import_rows', 'projection_checkpoints')
         UNION ALL SELECT 'directory.' || name FROM directory.sqlite_master WHERE type = 'table' ORDER BY 1`,
      )
      .pluck()
      .all();
  const ALL_TABLES = ['directory.projection_checkpoints', 'directory.users', 'main.import_rows', 'main.imports', 'main.projection_checkpoints'];

  it('creates new files with 16 KiB pages: the directory in one beside the other read models', () => {
    db = openReadModelDb(file);

    expect(pageSizeOf(db)).toBe(16_384);
    expect(pageSizeOf(db, 'directory')).toBe(16_384);
    expect(db.pragma('directory.journal_mode', { simple: true })).toBe('wal');
    expect(tables(db)).toEqual(ALL_TABLES);
    expect(directoryFileOf(file)).toBe(`${file}.directory`);
    expect(existsSync(directoryFileOf(file))).toBe(true);
  });

  it('opens a file made with 4 KiB pages as it is and adds the schema to it', () => {
    const older = new Database(file);
    older.pragma('page_size = 4096');
    older.exec('CREATE TABLE kept (n INTEGER)');
    older.close();

    db = openReadModelDb(file);

    expect(pageSizeOf(db)).toBe(4096);
    expect(tables(db)).toEqual(ALL_TABLES);
  });

  it('creates the missing indexes, then gives the connection its own page cache back', () => {
    db = openReadModelDb(file, { cacheMiB: 64 });
    dropSecondaryIndexes(db);
    expect(missingSecondaryIndexes(db)).not.toEqual([]);

    createSecondaryIndexes(db);

    expect(missingSecondaryIndexes(db)).toEqual([]);
    expect(db.pragma('main.cache_size', { simple: true })).toBe(-64 * 1024);
    expect(db.pragma('directory.cache_size', { simple: true })).toBe(-64 * 1024);
  });

  it("creates each index with the main file's cache at 2 MiB, which sizes SQLite's sorter whichever file the index is in", () => {
    db = openReadModelDb(file, { cacheMiB: 64 });
    const opened = db;
    dropSecondaryIndexes(opened);
    const mainCacheWhileCreating: Record<string, unknown> = {};
    const exec = opened.exec.bind(opened);
    jest.spyOn(opened, 'exec').mockImplementation((sql: string) => {
      const index = /CREATE INDEX IF NOT EXISTS (\S+)/.exec(sql)?.[1];
      if (index) mainCacheWhileCreating[index] = opened.pragma('main.cache_size', { simple: true });
      return exec(sql);
    });

    createSecondaryIndexes(opened);

    expect(mainCacheWhileCreating).toEqual({
      'directory.users_by_sort_key': -2048,
      'directory.users_by_identifier_key': -2048,
      'directory.users_by_email_key': -2048,
      'directory.users_by_username_key': -2048,
      'main.import_rows_by_ord': -2048,
    });
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

  it.each([
    ['rows named by import id', ', plan_offset INTEGER, plan_length INTEGER'],
    ['no plan columns either', ''],
  ])("drops an earlier version's report (%s) to be projected again; the other read models stay", (_, planColumns) => {
    const older = new Database(file);
    older.exec(`CREATE TABLE imports (id TEXT PRIMARY KEY, status TEXT NOT NULL);
      CREATE TABLE import_rows (
      seq INTEGER PRIMARY KEY AUTOINCREMENT, import_id TEXT NOT NULL, row INTEGER, key TEXT, email TEXT, user_id TEXT,
      outcome TEXT NOT NULL, reasons TEXT NOT NULL, warnings TEXT NOT NULL, changes TEXT, ord INTEGER NOT NULL,
      plan_number INTEGER NOT NULL DEFAULT 0${planColumns});
      CREATE INDEX import_rows_by_ord ON import_rows(import_id, ord, seq);
      CREATE TABLE catalog (kind TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL, defined_at TEXT NOT NULL, import_id TEXT, PRIMARY KEY (kind, key));
      INSERT INTO imports VALUES ('i1', 'completed');
      INSERT INTO import_rows (import_id, row, outcome, reasons, warnings, changes, ord, plan_number)
        VALUES ('i1', 2, 'created', '[]', '[]', '{"title":{"to":"CTO"}}', 2, 1);
      INSERT INTO catalog VALUES ('role', 'admin', 'Admin', '2026-12-01', NULL);
      CREATE TABLE projection_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
      INSERT INTO projection_checkpoints VALUES ('catalog', 7), ('import-report', 7);`);
    older.close();

    db = openReadModelDb(file);
    db.prepare(`INSERT INTO imports (id, status, file_name, sha256, size, format, options, source, source_key, requested_by, requested_at)
      VALUES ('i2', 'requested', 'f.csv', 's', 1, 'csv', '{}', '{}', 'cli', 'me', '2026-12-07')`).run();
    db.prepare(`INSERT INTO import_rows (import_number, outcome, reasons, warnings, ord, plan_offset, plan_length) VALUES (1, 'created', '[]', '[]', 2, 0, 10)`).run();
    db.close();
    db = openReadModelDb(file); // upgraded already: the rows projected since stay

    expect(db.prepare('SELECT i.id, r.plan_offset, r.plan_length FROM import_rows r JOIN imports i ON i.number = r.import_number').all()).toEqual([
      { id: 'i2', plan_offset: 0, plan_length: 10 },
    ]);
    expect(db.prepare('SELECT name, position FROM projection_checkpoints').all()).toEqual([{ name: 'catalog', position: 7 }]);
    expect(db.prepare('SELECT key FROM catalog').pluck().all()).toEqual(['admin']);
    expect(db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'import_rows_by_ord'`).pluck().get()).toContain('import_rows(import_number, ord)');
  });

  describe('read models of a version that kept the directory in the main file', () => {
    const USERS_BEFORE = `CREATE TABLE users (
      id TEXT PRIMARY KEY, identifier TEXT, identifier_key TEXT, upn TEXT, email TEXT, email_key TEXT, username TEXT, username_key TEXT,
      person_id TEXT, first_name TEXT, last_name TEXT, title TEXT, department TEXT, alias TEXT, language TEXT, manager_email TEXT,
      picture TEXT, mingle_picture TEXT, status TEXT NOT NULL, deleted INTEGER NOT NULL DEFAULT 0,
      security_roles TEXT NOT NULL DEFAULT '[]', generic_properties TEXT NOT NULL DEFAULT '{}', revision INTEGER NOT NULL,
      created_at TEXT NOT NULL, updated_at TEXT NOT NULL, last_import_id TEXT, sort_key TEXT NOT NULL DEFAULT '')`;

    function writeOlder(usersTable: string, insertUser: string): void {
      const older = new Database(file);
      older.exec(usersTable);
      older.exec(insertUser);
      older.exec('CREATE INDEX users_by_email_key ON users(email)');
      older.exec(`CREATE TABLE projection_checkpoints (name TEXT PRIMARY KEY, position INTEGER NOT NULL)`);
      older.exec(`INSERT INTO projection_checkpoints VALUES ('directory', 9), ('import-report', 9)`);
      older.close();
      writeFileSync(`${file}.directory-rebuild`, 'left by a rebuild that stopped half-way');
    }

    it('moves the users and their checkpoint into the directory file, indexed there, and removes the old rebuild file', () => {
      writeOlder(
        USERS_BEFORE,
        `INSERT INTO users (id, identifier, identifier_key, email, email_key, status, revision, created_at, updated_at, sort_key)
         VALUES ('u1', 'A1', 'a1', 'a@corp.com', 'a@corp.com', 'active', 3, 't0', 't1', 'a1')`,
      );

      db = openReadModelDb(file);

      expect(tables(db)).toEqual(ALL_TABLES);
      expect(db.prepare('SELECT id, email, revision FROM directory.users').all()).toEqual([{ id: 'u1', email: 'a@corp.com', revision: 3 }]);
      expect(db.prepare('SELECT name, position FROM directory.projection_checkpoints').all()).toEqual([{ name: 'directory', position: 9 }]);
      expect(db.prepare('SELECT name, position FROM main.projection_checkpoints').all()).toEqual([{ name: 'import-report', position: 9 }]);
      expect(missingSecondaryIndexes(db)).toEqual([]);
      expect(db.prepare(`SELECT name FROM directory.sqlite_master WHERE name = 'users_by_email_key'`).pluck().get()).toBe('users_by_email_key');
      expect(existsSync(`${file}.directory-rebuild`)).toBe(false);
    });

    it('leaves a directory of other columns to be projected again: empty, with no checkpoint', () => {
      writeOlder(
        'CREATE TABLE users (id TEXT PRIMARY KEY, email TEXT, status TEXT NOT NULL)',
        `INSERT INTO users (id, email, status) VALUES ('u1', 'a@corp.com', 'active')`,
      );

      db = openReadModelDb(file);

      expect(tables(db)).toEqual(ALL_TABLES);
      expect(db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(0);
      expect(db.prepare('SELECT count(*) FROM directory.projection_checkpoints').pluck().get()).toBe(0);
      expect(db.prepare('SELECT name FROM main.projection_checkpoints').pluck().all()).toEqual(['import-report']);
    });
  });
});
