import type { EventStore } from './event-store.port';

/** A domain event as `evolve` functions take it: the type and data of a recorded event. */
export interface DomainEvent {
  type: string;
  data: unknown;
}

/**
 * Folds a stream into its current state with a decider's `evolve`, and returns the revision it
 * was read at, for an append at exactly that revision. Undefined when the stream has no events.
 */
export async function aggregateStream<State, Event extends DomainEvent>(
  store: EventStore,
  streamId: string,
  evolve: (state: State | undefined, event: Event) => State | undefined,
): Promise<{ state: State; revision: number } | undefined> {
  let state: State | undefined;
  let revision = -1;
  for await (const event of store.readStream(streamId)) {
    state = evolve(state, { type: event.type, data: event.data } as Event);
    revision = event.revision;
  }
  return state === undefined ? undefined : { state, revision };
}
