import type { LogFilter } from '../event-store.port';

/** The filter's non-empty lists; an absent or empty list does not restrict. */
export function normalizeFilter(filter: LogFilter | undefined): { streamPrefixes: string[]; eventTypes: string[] } {
  return { streamPrefixes: filter?.streamPrefixes ?? [], eventTypes: filter?.eventTypes ?? [] };
}

export function matchesFilter(event: { streamId: string; type: string }, filter: LogFilter | undefined): boolean {
  const { streamPrefixes, eventTypes } = normalizeFilter(filter);
  return (
    (streamPrefixes.length === 0 || streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) &&
    (eventTypes.length === 0 || eventTypes.includes(event.type))
  );
}
