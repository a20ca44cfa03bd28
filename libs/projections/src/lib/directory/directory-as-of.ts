import { importStream, USER_STREAM_PREFIX } from '@dirsync/domain';
import type { EventStore } from '@dirsync/event-store';
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecondaryIndexes, openReadModelDb, type ReadModelDb } from '../read-model-db';
import { DirectoryProjection } from './directory.projection';
import { DirectoryReadModel } from './directory.read-model';

export class AsOfError extends Error {
  override readonly name = 'AsOfError';
  constructor(
    message: string,
    readonly kind: 'not-found' | 'not-completed',
  ) {
    super(message);
  }
}

const BATCH = 5_000;

/** How the folders of directories as of an import begin. */
export const AS_OF_DIR_PREFIX = 'dirsync-as-of-';

/** How often an open directory as of an import marks its folder in use (its modification time). */
const MARK_IN_USE_EVERY_MS = 60_000;

/**
 * A folder not marked in use for this long belongs to no open directory as of an import: its
 * process stopped without closing it. Five marks missed, so that a busy process is not mistaken.
 */
export const AS_OF_ABANDONED_AFTER_MS = 5 * MARK_IN_USE_EVERY_MS;

/** A directory as of an import: a read model of its own, whose files close() removes. */
export type AsOfDirectory = DirectoryReadModel & { close(): void };

export interface DirectoryAsOfOptions {
  /** Where its temporary files go (a folder of their own inside it). Default: the system's. */
  tmpDir?: string;
  /** How often its folder is marked in use while it is open. (MARK_IN_USE_EVERY_MS) */
  markInUseEveryMs?: number;
}

/**
 * The directory exactly as it stood when an import completed: the user events up to that import's
 * ImportCompleted, folded into a throw-away read model. Call `close()` when done.
 *
 * The read model is a temporary SQLite file, not an in-memory database: a million users take
 * about 770 MB as a file, which an in-memory database would add to the process.
 */
export async function directoryAsOf(store: EventStore, importId: string, options: DirectoryAsOfOptions = {}): Promise<AsOfDirectory> {
  const position = await completionPosition(store, importId);
  const dir = mkdtempSync(join(options.tmpDir ?? tmpdir(), AS_OF_DIR_PREFIX));
  // Writing inside its files leaves the folder's own time as it is: marked, it is left alone by
  // the other processes that share the scratch folder (a server starting beside the one it
  // replaces); this process's sweeps know it is open.
  openFolders.add(dir);
  const marking = setInterval(() => markInUse(dir), options.markInUseEveryMs ?? MARK_IN_USE_EVERY_MS).unref();
  const removeFolder = () => {
    clearInterval(marking);
    openFolders.delete(dir);
    rmSync(dir, { recursive: true, force: true });
  };
  let db: ReadModelDb;
  try {
    // Filled from scratch: faster to index once at the end, as a rebuild does.
    db = openReadModelDb(join(dir, 'readmodels.sqlite'), { cacheMiB: CACHE_MIB, createIndexes: false });
  } catch (error) {
    removeFolder();
    throw error;
  }
  const close = () => {
    try {
      if (db.open) db.close();
    } finally {
      removeFolder();
    }
  };
  try {
    await project(store, db, position);
    createSecondaryIndexes(db);
  } catch (error) {
    close();
    throw error;
  }
  return Object.assign(new DirectoryReadModel(db), { close });
}

/** The folders of this process's open directories as of an import: its own sweeps pass over them. */
const openFolders = new Set<string>();

/**
 * Removes the folders of directories as of an import that no open one has marked in use for
 * `abandonedAfterMs`: what processes that stopped without closing them left in `scratchDir`. Other
 * processes' open ones are marked, whatever machine or container they run in, as long as the
 * clocks agree and the process is not stopped (paused, suspended) for that long. Goes on past a
 * folder it cannot remove, then throws, naming each. Returns the names removed.
 */
export function sweepAbandonedAsOfFolders(scratchDir: string, abandonedAfterMs = AS_OF_ABANDONED_AFTER_MS): string[] {
  const removed: string[] = [];
  const failed: string[] = [];
  for (const name of readdirSync(scratchDir)) {
    const folder = join(scratchDir, name);
    if (!name.startsWith(AS_OF_DIR_PREFIX) || openFolders.has(folder)) continue;
    try {
      const markedAt = modifiedAt(folder);
      if (markedAt === undefined || Date.now() - markedAt < abandonedAfterMs) continue;
      rmSync(folder, { recursive: true, force: true });
      removed.push(name);
    } catch (error) {
      // Another process sweeping it at the same time, or a folder this one may not remove.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') failed.push(`${folder}: ${(error as Error).message}`);
    }
  }
  if (failed.length > 0) throw new Error(`could not remove abandoned directories as of an import (${failed.join('; ')})`);
  return removed;
}

function markInUse(folder: string): void {
  const now = new Date();
  try {
    utimesSync(folder, now, now);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // closed meanwhile
    // Unmarked, the folder looks abandoned in five minutes: say why while there is time.
    process.emitWarning(`could not mark ${folder} in use (${(error as Error).message}): another process may remove it`);
  }
}

/** The folder's modification time, or undefined once another process has removed it. */
function modifiedAt(folder: string): number | undefined {
  try {
    return statSync(folder).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Page cache of each of its files: it is read a page of users at a time, then thrown away. */
const CACHE_MIB = 16;

async function project(store: EventStore, db: ReadModelDb, position: number): Promise<void> {
  const projection = new DirectoryProjection(db);
  const applyBatch = db.transaction((events: Parameters<DirectoryProjection['apply']>[0][]) => events.forEach((e) => projection.apply(e)));
  let batch: Parameters<DirectoryProjection['apply']>[0][] = [];
  for await (const event of store.readAll({ filter: { streamPrefixes: [USER_STREAM_PREFIX] } })) {
    if (event.position > position) break;
    batch.push(event);
    if (batch.length >= BATCH) {
      applyBatch(batch);
      batch = [];
    }
  }
  applyBatch(batch);
}

async function completionPosition(store: EventStore, importId: string): Promise<number> {
  let seen = false;
  for await (const event of store.readStream(importStream(importId))) {
    seen = true;
    if (event.type === 'ImportCompleted') return event.position;
  }
  throw seen
    ? new AsOfError(`import ${importId} has not completed, so there is no directory "as of" it`, 'not-completed')
    : new AsOfError(`no import with id ${importId}`, 'not-found');
}
