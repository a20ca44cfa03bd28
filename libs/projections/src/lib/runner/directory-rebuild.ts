import { rmSync } from 'node:fs';
import { openSqliteFile, type SqliteFileOptions } from '@dirsync/event-store/sqlite';
import { DIRECTORY_PROJECTION } from '../directory/directory.projection';
import { dropDirectoryIndexes, type ReadModelDb } from '../read-model-db';

/*
 * A rebuild on the embedded store projects the directory on the projection thread while the process
 * projects the other read models. A SQLite file has one writer at a time, so the thread writes a
 * file of its own, which the process then copies into the read models.
 */

/** Where the projection thread rebuilds the directory: beside the read models, removed once copied in. */
export const directoryRebuildFile = (readModelFile: string): string => `${readModelFile}.directory-rebuild`;

/**
 * A new, empty file for the thread's half: the users table exactly as the read models declare it
 * (so that it can be copied as stored, see adoptRebuiltDirectory) and their checkpoint table. A
 * file left by a rebuild that stopped half-way is replaced.
 */
export function openDirectoryRebuild(file: string, readModels: ReadModelDb, options: SqliteFileOptions = {}): ReadModelDb {
  const usersTable = declaredTable(readModels, 'users');
  const checkpointsTable = declaredTable(readModels, 'projection_checkpoints');
  removeDirectoryRebuild(file);
  const db = openSqliteFile(file, options);
  try {
    // Nobody else opens it, and a rebuild that fails throws it away: no journal, no syncs.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(usersTable);
    db.exec(checkpointsTable);
    return db;
  } catch (error) {
    db.close();
    removeDirectoryRebuild(file);
    throw error;
  }
}

/** The CREATE TABLE statement the read models hold for a table. */
function declaredTable(readModels: ReadModelDb, name: string): string {
  const sql = readModels.prepare<[string], string>(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?`).pluck().get(name);
  if (!sql) throw new Error(`the read models have no ${name} table to rebuild`);
  return sql;
}

/**
 * Copies the rebuilt directory and its checkpoint into the read models, whose users table the
 * rebuild emptied. Into an empty table of the same declaration, SQLite copies the rows as stored,
 * and the entries of every index the target has when the source has its twin: nothing is decoded
 * or sorted again. Where the indexes differ, the target's are dropped first, and the rebuild
 * creates them once it ends.
 *
 * Another process sharing the read models (a server beside `etl replay`) may have projected users
 * since the reset: then its rows stand, nothing is copied, and the catch-up after the rebuild
 * carries on from its checkpoint. Returns whether the directory was copied in.
 */
export function adoptRebuiltDirectory(db: ReadModelDb, file: string): boolean {
  db.prepare('ATTACH DATABASE ? AS rebuilt').run(file);
  let adopted = false;
  try {
    // Immediate: the write lock is held from the look at the directory to the copy.
    db.transaction(() => {
      if (!untouchedSinceReset(db)) return;
      if (!sameUserIndexes(db)) dropDirectoryIndexes(db);
      db.exec('INSERT INTO main.users SELECT * FROM rebuilt.users');
      db.prepare(`
        INSERT INTO main.projection_checkpoints (name, position)
        SELECT name, position FROM rebuilt.projection_checkpoints WHERE name = ?
        ON CONFLICT(name) DO UPDATE SET position = excluded.position`).run(DIRECTORY_PROJECTION);
      adopted = true;
    }).immediate();
  } finally {
    db.exec('DETACH DATABASE rebuilt');
  }
  removeDirectoryRebuild(file);
  // That one commit grew the WAL by the whole directory (730 MB for a million users); a process
  // that goes on (the server) would keep a file that size beside the read models.
  if (adopted) db.pragma('wal_checkpoint(TRUNCATE)');
  return adopted;
}

export function removeDirectoryRebuild(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
}

/** No user projected since the rebuild reset the directory: its checkpoint still 0, its table empty. */
function untouchedSinceReset(db: ReadModelDb): boolean {
  const checkpoint = db.prepare<[string], number>('SELECT position FROM main.projection_checkpoints WHERE name = ?').pluck().get(DIRECTORY_PROJECTION) ?? 0;
  return checkpoint === 0 && db.prepare<[], number>('SELECT NOT EXISTS (SELECT 1 FROM main.users)').pluck().get() === 1;
}

function sameUserIndexes(db: ReadModelDb): boolean {
  const indexes = (schema: 'main' | 'rebuilt') =>
    JSON.stringify(db.prepare(`SELECT name, sql FROM ${schema}.sqlite_master WHERE type = 'index' AND tbl_name = 'users' ORDER BY name`).all());
  return indexes('main') === indexes('rebuilt');
}
