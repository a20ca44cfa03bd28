import { importStream, USER_STREAM_PREFIX } from '@dirsync/domain';
import type { EventStore } from '@dirsync/event-store';
import { openReadModelDb } from '../read-model-db';
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
 * The directory exactly as it stood when an import completed: the user events up to that import's
 * ImportCompleted, folded into a throw-away in-memory read model. Call `close()` when done.
 */
export async function directoryAsOf(store: EventStore, importId: string): Promise<DirectoryReadModel & { close(): void }> {
  const position = await completionPosition(store, importId);
  const db = openReadModelDb(':memory:');
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
  return Object.assign(new DirectoryReadModel(db), { close: () => db.close() });
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
