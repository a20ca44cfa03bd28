import { lockExclusively } from '@dirsync/event-store/sqlite';
import type { ReadModelDb } from '../read-model-db';

/** Beside the read models: whoever holds its lock is rebuilding them. An empty file, left in place. */
export const rebuildLockFile = (readModelFile: string): string => `${readModelFile}.rebuild-lock`;

/** A rebuild of the same read models is already running, in this process or another. */
export class RebuildInProgressError extends Error {
  override readonly name = 'RebuildInProgressError';
  constructor(readonly readModelFile: string) {
    super(`another rebuild of ${readModelFile} is running (etl replay, or POST /api/admin/replay); nothing was changed: try again once it has finished`);
  }
}

/** The right to rebuild one set of read models, held until released (see lockRebuild). */
export interface RebuildLock {
  readonly readModelFile: string;
  release(): void;
}

/**
 * Takes the right to rebuild these read models, or throws RebuildInProgressError. A second rebuild
 * would reset them under the first, whose next batches would then move the checkpoints past events
 * that neither of them has projected since the reset.
 */
export function lockRebuild(db: ReadModelDb): RebuildLock {
  const release = db.memory ? lockInMemory(db) : lockExclusively(rebuildLockFile(db.name));
  if (!release) throw new RebuildInProgressError(db.name);
  return { readModelFile: db.name, release };
}

/** Read models in memory are one connection's alone: their lock is a mark on it. */
const rebuildingInMemory = new WeakSet<ReadModelDb>();

function lockInMemory(db: ReadModelDb): (() => void) | undefined {
  if (rebuildingInMemory.has(db)) return undefined;
  rebuildingInMemory.add(db);
  return () => rebuildingInMemory.delete(db);
}
