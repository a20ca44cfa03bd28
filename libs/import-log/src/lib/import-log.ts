import { evolveImport, IMPORT_STATE_EVENT_TYPES, importStream, isSettled, type ImportEvent, type ImportState } from '@dirsync/domain';
import { deterministicId, type EventStore, type NewEvent } from '@dirsync/event-store';

/** An import's stream as the stages use it: fold its state, append the next events at its exact revision. */
export class ImportLog {
  constructor(private readonly store: EventStore) {}

  /**
   * The import's state and the stream revision it was read at; undefined when there is no such
   * import. Only the events of its state are read: a large import's row chunks (hundreds of MB at
   * a million rows) are skipped by the store.
   */
  async read(importId: string): Promise<{ state: ImportState; revision: number } | undefined> {
    // The revision first, then the events up to it: an append at that revision fails if any came in between.
    const revision = await this.store.streamRevision(importStream(importId));
    if (revision === undefined) return undefined;
    const state = await this.fold(importId, undefined, 0, revision);
    return state && { state, revision };
  }

  /** Folds the state events from `fromRevision` to `toRevision` onto `state`. */
  private async fold(importId: string, state: ImportState | undefined, fromRevision: number, toRevision: number): Promise<ImportState | undefined> {
    for await (const event of this.store.readStream(importStream(importId), { fromRevision, eventTypes: IMPORT_STATE_EVENT_TYPES })) {
      if (event.revision > toRevision) break;
      state = evolveImport(state, { type: event.type, data: event.data } as ImportEvent);
    }
    return state;
  }

  /**
   * Appends events to the import's stream, expecting it at `revision` (-1: a new stream). Ids come
   * from the import id and a name for each event, so a stage that runs again after a crash appends
   * the same events and the store recognises them.
   */
  async append(importId: string, revision: number, events: (ImportEvent & { name: string })[]): Promise<number> {
    const newEvents: NewEvent[] = events.map(({ name, type, data }) => ({ id: deterministicId(importId, name), type, data }));
    const result = await this.store.append(importStream(importId), newEvents, revision < 0 ? 'no-stream' : revision);
    return result.nextRevision;
  }

  /**
   * Resolves with the import's state once the pipeline is done with it: finished, or waiting for
   * approval. Polls only the events appended since the last look, and none of the row chunks.
   */
  async waitUntilSettled(importId: string, pollIntervalMs = 50): Promise<ImportState> {
    let state: ImportState | undefined;
    let next = 0;
    for (;;) {
      const revision = await this.store.streamRevision(importStream(importId));
      if (revision !== undefined && revision >= next) {
        state = await this.fold(importId, state, next, revision);
        next = revision + 1;
      }
      if (state && isSettled(state)) return state;
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
  }
}
