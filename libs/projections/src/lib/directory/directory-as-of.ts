import { importStream, USER_STREAM_PREFIX } from '@dirsync/domain';
import type { EventStore } from '@dirsync/event-store';
import { mkdtempSync, rmSync } from 'node:fs';
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

/**
 * How the folders of directories as of an import begin: then the id of the process that made it,
 * so that a sweep can tell the folders a process that died left behind (see `isLeftBehind`).
 */
export const AS_OF_DIR_PREFIX = 'dirsync-as-of-';

/**
 * For a process's start, before it builds any: whether a folder in a scratch folder is a directory
 * as of an import that no running process reads. Made by a process that is gone, by one that had
 * this process's id (reused), or by a version that did not name the process. Another live
 * process's folders are left alone, as when a new server starts beside the one it replaces.
 * Process ids tell processes apart on one machine only: servers on several machines must not
 * share one scratch folder.
 */
export function isLeftBehind(name: string, isAlive: (pid: number) => boolean = processIsAlive): boolean {
  if (!name.startsWith(AS_OF_DIR_PREFIX)) return false;
  const pid = /^(\d+)-/.exec(name.slice(AS_OF_DIR_PREFIX.length))?.[1];
  if (pid === undefined) return true;
  return Number(pid) === process.pid || !isAlive(Number(pid));
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only checks that the process exists
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, another user's
  }
}

/** A directory as of an import: a read model of its own, whose files close() removes. */
export type AsOfDirectory = DirectoryReadModel & { close(): void };

export interface DirectoryAsOfOptions {
  /** Where its temporary files go (a folder of their own inside it). Default: the system's. */
  tmpDir?: string;
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
  const dir = mkdtempSync(join(options.tmpDir ?? tmpdir(), `${AS_OF_DIR_PREFIX}${process.pid}-`));
  let db: ReadModelDb;
  try {
    // Filled from scratch: faster to index once at the end, as a rebuild does.
    db = openReadModelDb(join(dir, 'readmodels.sqlite'), { cacheMiB: CACHE_MIB, createIndexes: false });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const close = () => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
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
