import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { aggregateStream, EVENT_STORE, type EventStore, type ExpectedRevision, type NewEvent } from '@dirsync/event-store';
import { evolveSource, SOURCE_STREAM_PREFIX, sourceStream, type SourceEvent, type SourceState } from './source';

/**
 * The `source-<id>` streams. Reads fold the stream on demand: sources are few and their streams
 * short next to user streams. (A read model in libs/projections is the step up when run histories
 * grow long.)
 */
@Injectable()
export class SourceRepository {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** The source's state (removed ones too) and the revision it was read at. */
  load(sourceId: string): Promise<{ state: SourceState; revision: number } | undefined> {
    return aggregateStream(this.store, sourceStream(sourceId), evolveSource);
  }

  /** Every source not removed (or, asked for, every source), oldest first. */
  async list(options: { removed?: boolean } = {}): Promise<SourceState[]> {
    const states = new Map<string, SourceState | undefined>();
    for await (const event of this.store.readAll({ filter: { streamPrefixes: [SOURCE_STREAM_PREFIX] } })) {
      const id = event.streamId.slice(SOURCE_STREAM_PREFIX.length);
      states.set(id, evolveSource(states.get(id), { type: event.type, data: event.data } as SourceEvent));
    }
    return [...states.values()].filter((state): state is SourceState => state !== undefined && (options.removed === true || !state.removed));
  }

  /** Appends to the source's stream. Pass ids for events a retry must not duplicate. */
  async append(sourceId: string, events: (SourceEvent & { id?: string })[], expectedRevision: ExpectedRevision = 'any'): Promise<number> {
    const newEvents: NewEvent[] = events.map(({ id, type, data }) => ({ id: id ?? randomUUID(), type, data }));
    return (await this.store.append(sourceStream(sourceId), newEvents, expectedRevision)).nextRevision;
  }
}
