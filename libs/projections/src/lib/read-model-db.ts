import type Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { attachSqliteFile, openSqliteFile, type SqliteFileOptions } from '@dirsync/event-store/sqlite';
import { DIRECTORY_PROJECTION } from './directory/directory.projection';
import { IMPORT_REPORT_PROJECTION } from './import-report/import-report.projection';

export type ReadModelDb = Database.Database;

export interface ReadModelDbOptions extends SqliteFileOptions {
  /**
   * Create the secondary indexes the files lack. Default true. The projection thread opens them
   * without: it may start while the process rebuilds (with the indexes dropped until the end), and
   * its passes create what is missing when they end.
   */
  createIndexes?: boolean;
}

/** The schema the directory's file is attached as, on every connection to the read models. */
export const DIRECTORY_SCHEMA = 'directory';

/**
 * The directory (its users and its projection's checkpoint) lives in a file of its own beside the
 * other read models. A SQLite file has one writer at a time: with two files, a rebuild projects
 * the directory on the projection thread while the process projects the reports, each straight
 * into its live file, and nothing is copied at the end.
 */
export const directoryFileOf = (readModelFile: string): string => (readModelFile === ':memory:' ? ':memory:' : `${readModelFile}.directory`);

/** Where the projection's rows and checkpoint are: the directory's file for the directory, else the main one. */
export const checkpointSchemaOf = (projectionName: string): 'main' | typeof DIRECTORY_SCHEMA =>
  projectionName === DIRECTORY_PROJECTION ? DIRECTORY_SCHEMA : 'main';

const CHECKPOINTS_TABLE = `(
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
  )`;

const USERS_TABLE = `(
    id TEXT PRIMARY KEY,
    identifier TEXT, identifier_key TEXT,
    upn TEXT,
    email TEXT, email_key TEXT,
    username TEXT, username_key TEXT,
    person_id TEXT, first_name TEXT, last_name TEXT, title TEXT, department TEXT, alias TEXT,
    language TEXT, manager_email TEXT, picture TEXT, mingle_picture TEXT,
    status TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    security_roles TEXT NOT NULL DEFAULT '[]',
    generic_properties TEXT NOT NULL DEFAULT '{}',
    revision INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_import_id TEXT,
    -- Stable listing order: the first key the user has, then the id (keyset pages need a total order).
    sort_key TEXT NOT NULL DEFAULT ''
  )`;

/**
 * The read models live in their own SQLite files, apart from the log: they are disposable and
 * rebuilt from events, whichever event store holds the log. Queries name their tables without a
 * schema: `users` is found in the directory's file, the others in the main one.
 */
export function openReadModelDb(file: string, options: ReadModelDbOptions = {}): ReadModelDb {
  const db = openSqliteFile(file, options);
  try {
    attachSqliteFile(db, directoryFileOf(file), DIRECTORY_SCHEMA, options);
    dropEarlierReport(db);
    db.exec(`
    CREATE TABLE IF NOT EXISTS projection_checkpoints ${CHECKPOINTS_TABLE};
    CREATE TABLE IF NOT EXISTS ${DIRECTORY_SCHEMA}.projection_checkpoints ${CHECKPOINTS_TABLE};
    CREATE TABLE IF NOT EXISTS ${DIRECTORY_SCHEMA}.users ${USERS_TABLE};
    CREATE TABLE IF NOT EXISTS imports (
      -- What the import's rows refer to it by (import_rows.import_number): in millions of rows and in
      -- their index, an integer takes a few bytes where the id takes 36.
      number INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      status TEXT NOT NULL,
      file_name TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      size INTEGER NOT NULL,
      format TEXT NOT NULL,
      options TEXT NOT NULL,
      source TEXT NOT NULL,
      source_key TEXT NOT NULL,
      plan_number INTEGER NOT NULL DEFAULT 0,
      decision TEXT,
      reverted TEXT,
      requested_by TEXT NOT NULL,
      requested_at TEXT NOT NULL,
      encoding TEXT,
      total_rows INTEGER,
      valid_rows INTEGER,
      warnings TEXT NOT NULL DEFAULT '[]',
      counts TEXT,
      dry_run INTEGER NOT NULL DEFAULT 0,
      failure TEXT,
      completed_at TEXT
    );
    CREATE TABLE IF NOT EXISTS import_rows (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      import_number INTEGER NOT NULL,
      row INTEGER,
      key TEXT,
      email TEXT,
      user_id TEXT,
      outcome TEXT NOT NULL,
      reasons TEXT NOT NULL,
      warnings TEXT NOT NULL,
      changes TEXT,
      -- Row order, with rows that have no file row (users missing from the file) last.
      ord INTEGER NOT NULL,
      -- 0: rejected by transformation; n: from plan n (a re-plan replaces the earlier plan's rows).
      plan_number INTEGER NOT NULL DEFAULT 0,
      -- A created user's line in its plan (RowResult.planLine), where its fields are read.
      plan_offset INTEGER,
      plan_length INTEGER
    );
    -- Each plan's blob, where created users' fields are read (import_rows.plan_offset).
    CREATE TABLE IF NOT EXISTS import_plans (
      import_id TEXT NOT NULL,
      plan_number INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      PRIMARY KEY (import_id, plan_number)
    );
    CREATE TABLE IF NOT EXISTS catalog (
      kind TEXT NOT NULL,
      key TEXT NOT NULL,
      name TEXT NOT NULL,
      defined_at TEXT NOT NULL,
      import_id TEXT,
      PRIMARY KEY (kind, key)
    );
  `);
    moveDirectoryOut(db, file);
    if (options.createIndexes !== false) createSecondaryIndexes(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Read models of an earlier version kept the directory in the main file: it moves to its own, with
 * its checkpoint, copied as stored when its columns are the ones declared now (else it is left to
 * be projected again). The file an earlier rebuild may have left half-written goes too.
 */
function moveDirectoryOut(db: ReadModelDb, file: string): void {
  const inMain = () => db.prepare(`SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'users'`).get() !== undefined;
  if (!inMain()) return; // the usual case: no write lock taken just to open the files
  // Looked at again under the write locks: another process (or the projection thread) may be moving it too.
  db.transaction(() => {
    if (!inMain()) return;
    const columns = (schema: string) => JSON.stringify(db.prepare(`SELECT name, type FROM pragma_table_info('users', '${schema}')`).all());
    db.exec(`DELETE FROM ${DIRECTORY_SCHEMA}.users; DELETE FROM ${DIRECTORY_SCHEMA}.projection_checkpoints`);
    if (columns('main') === columns(DIRECTORY_SCHEMA)) {
      db.exec(`INSERT INTO ${DIRECTORY_SCHEMA}.users SELECT * FROM main.users`);
      db.prepare(`INSERT INTO ${DIRECTORY_SCHEMA}.projection_checkpoints SELECT name, position FROM main.projection_checkpoints WHERE name = ?`).run(DIRECTORY_PROJECTION);
    }
    db.exec('DROP TABLE main.users');
    db.prepare('DELETE FROM main.projection_checkpoints WHERE name = ?').run(DIRECTORY_PROJECTION);
  }).immediate();
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}.directory-rebuild${suffix}`, { force: true });
}

/**
 * A report of an earlier version (CREATE TABLE IF NOT EXISTS would leave its tables as they were)
 * is dropped, to be created anew and projected again from the log: its rows name their import by
 * id, not by number (import_rows.import_number), and the oldest lack the plan columns.
 */
function dropEarlierReport(db: ReadModelDb): void {
  const isEarlier = () => {
    const columns = db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('import_rows', 'main')`).all();
    return columns.length > 0 && !columns.some((column) => column.name === 'import_number');
  };
  if (!isEarlier()) return; // the usual case: no write lock taken just to open the file
  // Looked at again under the write lock: another process (or the projection thread) may be upgrading it too.
  db.transaction(() => {
    if (!isEarlier()) return;
    db.exec('DROP TABLE main.import_rows; DROP TABLE IF EXISTS main.imports; DROP TABLE IF EXISTS main.import_plans;');
    if (db.prepare(`SELECT 1 FROM main.sqlite_master WHERE name = 'projection_checkpoints'`).get()) {
      db.prepare('DELETE FROM main.projection_checkpoints WHERE name = ?').run(IMPORT_REPORT_PROJECTION);
    }
  }).immediate();
}

/**
 * Indexes for queries, not for applying events (only a re-plan's DELETE of its earlier rows would
 * use one, and re-plans are rare): a rebuild drops them and creates them once at the end. Each is
 * in the file of its table.
 */
const SECONDARY_INDEXES: Record<string, { schema: 'main' | typeof DIRECTORY_SCHEMA; on: string }> = {
  users_by_sort_key: { schema: DIRECTORY_SCHEMA, on: 'users(sort_key, id)' },
  // Look-ups by key return live users before deleted ones, then the first projected (row id).
  // Every index entry ends with the row id: these give that order with no sort and no id column,
  // which would double their size.
  users_by_identifier_key: { schema: DIRECTORY_SCHEMA, on: 'users(identifier_key, deleted)' },
  users_by_email_key: { schema: DIRECTORY_SCHEMA, on: 'users(email_key, deleted)' },
  users_by_username_key: { schema: DIRECTORY_SCHEMA, on: 'users(username_key, deleted)' },
  // Its entries end with the row id, seq: rows in the order ORDER BY ord, seq asks for.
  import_rows_by_ord: { schema: 'main', on: 'import_rows(import_number, ord)' },
};

/**
 * The directory's indexes: keyed by what users' fields hold, every user lands on a random page of
 * each. A large catch-up defers them (see ProjectionRunner). The report's index is not among them:
 * an import's rows are appended in its order, at the end of it.
 */
const DIRECTORY_INDEXES = Object.keys(SECONDARY_INDEXES).filter((name) => SECONDARY_INDEXES[name].schema === DIRECTORY_SCHEMA);
const REPORT_INDEXES = Object.keys(SECONDARY_INDEXES).filter((name) => !DIRECTORY_INDEXES.includes(name));

/**
 * The page caches while indexes are created. SQLite sizes its sorter's memory from the page cache
 * of the main file, whichever file the index is in, and a small one sorts faster here: on a 1M
 * read-model file (a million users, two million report rows) the five indexes took 6.3–6.7 s with
 * the process's 64 MiB, 3.3–4.2 s with 8 MiB and 2.9–3.2 s with 2 MiB.
 */
const INDEX_BUILD_CACHE_MIB = 2;

/** Creates those of `names` (by default every secondary index) that the database lacks. */
export function createSecondaryIndexes(db: ReadModelDb, names: readonly string[] = Object.keys(SECONDARY_INDEXES)): void {
  const missing = missingSecondaryIndexes(db).filter((name) => names.includes(name));
  if (missing.length === 0) return;
  const schemas = ['main', DIRECTORY_SCHEMA];
  const cacheSizes = schemas.map((schema) => db.pragma(`${schema}.cache_size`, { simple: true }) as number);
  for (const schema of schemas) db.pragma(`${schema}.cache_size = -${INDEX_BUILD_CACHE_MIB * 1024}`);
  try {
    for (const name of missing) db.exec(`CREATE INDEX IF NOT EXISTS ${SECONDARY_INDEXES[name].schema}.${name} ON ${SECONDARY_INDEXES[name].on}`);
  } finally {
    schemas.forEach((schema, i) => db.pragma(`${schema}.cache_size = ${cacheSizes[i]}`));
  }
}

export function dropSecondaryIndexes(db: ReadModelDb, names: readonly string[] = Object.keys(SECONDARY_INDEXES)): void {
  for (const name of names) db.exec(`DROP INDEX IF EXISTS ${SECONDARY_INDEXES[name].schema}.${name}`);
}

export function dropDirectoryIndexes(db: ReadModelDb): void {
  dropSecondaryIndexes(db, DIRECTORY_INDEXES);
}

export function createDirectoryIndexes(db: ReadModelDb): void {
  createSecondaryIndexes(db, DIRECTORY_INDEXES);
}

/** The indexes of the read models other than the directory (the report's). */
export function createReportIndexes(db: ReadModelDb): void {
  createSecondaryIndexes(db, REPORT_INDEXES);
}

/** Users in the directory, deleted ones included. */
export function directorySize(db: ReadModelDb): number {
  return db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users').get()?.n ?? 0;
}

/** The secondary indexes the database lacks now (a catch-up may have deferred some). */
export function missingSecondaryIndexes(db: ReadModelDb): string[] {
  const present = new Set(
    db
      .prepare<[], string>(`SELECT name FROM main.sqlite_master WHERE type = 'index' UNION ALL SELECT name FROM ${DIRECTORY_SCHEMA}.sqlite_master WHERE type = 'index'`)
      .pluck()
      .all(),
  );
  return Object.keys(SECONDARY_INDEXES).filter((name) => !present.has(name));
}

/** Lower-cased, trimmed form used to compare identifiers, e-mails and usernames. */
export const matchKey = (value: string | undefined | null): string | null =>
  value === undefined || value === null || value === '' ? null : value.trim().toLowerCase();

/** Reads a large result in pages, so no statement stays open across an await (other writers share the connection). */
export function* keysetPages<Row, Cursor>(
  firstPage: () => Row[],
  nextPage: (after: Cursor) => Row[],
  cursorOf: (row: Row) => Cursor,
): IterableIterator<Row> {
  let page = firstPage();
  while (page.length > 0) {
    yield* page;
    page = nextPage(cursorOf(page[page.length - 1]));
  }
}
