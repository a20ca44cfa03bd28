import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type ReadModelDb = Database.Database;

/**
 * The read models live in their own SQLite file, apart from the log: they are disposable and
 * rebuilt from events, whichever event store holds the log.
 */
export function openReadModelDb(file: string): ReadModelDb {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`
    CREATE TABLE IF NOT EXISTS projection_checkpoints (
      name TEXT PRIMARY KEY,
      position INTEGER NOT NULL
    );
    CREATE TABLE IF NOT EXISTS users (
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
      last_import_id TEXT
    );
    CREATE INDEX IF NOT EXISTS users_identifier ON users(identifier_key);
    CREATE INDEX IF NOT EXISTS users_email ON users(email_key);
    CREATE INDEX IF NOT EXISTS users_username ON users(username_key);
    CREATE TABLE IF NOT EXISTS imports (
      id TEXT PRIMARY KEY,
      status TEXT NOT NULL,
      file_name TEXT NOT NULL,
      sha256 TEXT NOT NULL,
      size INTEGER NOT NULL,
      format TEXT NOT NULL,
      options TEXT NOT NULL,
      source TEXT NOT NULL,
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
      import_id TEXT NOT NULL,
      row INTEGER,
      key TEXT,
      email TEXT,
      user_id TEXT,
      outcome TEXT NOT NULL,
      reasons TEXT NOT NULL,
      warnings TEXT NOT NULL,
      changes TEXT
    );
    CREATE INDEX IF NOT EXISTS import_rows_by_import ON import_rows(import_id, row);
  `);
  return db;
}

/** Lower-cased, trimmed form used to compare identifiers, e-mails and usernames. */
export const matchKey = (value: string | undefined | null): string | null =>
  value === undefined || value === null || value === '' ? null : value.trim().toLowerCase();
