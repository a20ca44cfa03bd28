import { evolveImport, importStream, isSettled, type ImportEvent, type ImportState } from '@dirsync/domain';
import { aggregateStream, deterministicId, type EventStore, type NewEvent } from '@dirsync/event-store';

/** An import's stream as the stages use it: fold its state, append the next events at its exact revision. */
export class ImportLog {
  constructor(private readonly store: EventStore) {}

  /** The import's state and the stream revision it was read at; undefined when there is no such import. */
  read(importId: string): Promise<{ state: ImportState; revision: number } | undefined> {
    return aggregateStream(this.store, importStream(importId), evolveImport);
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
   * approval. Polls only the events appended since the last look, so a large import's row chunks
   * are read once.
   */
  async waitUntilSettled(importId: string, pollIntervalMs = 50): Promise<ImportState> {
    let state: ImportState | undefined;
    let next = 0;
    for (;;) {
      for await (const event of this.store.readStream(importStream(importId), { fromRevision: next })) {
        state = evolveImport(state, { type: event.type, data: event.data } as ImportEvent);
        next = event.revision + 1;
      }
      if (state && isSettled(state)) return state;
      await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
    }
  }
}
