import { userStream, type UserEvent } from '@dirsync/domain';
import type { AppendRequest } from '@dirsync/event-store';
import { sequentialId } from '@dirsync/event-store/ids';

/**
 * Event ids of a row take sequences row × 8 … row × 8 + 7: room for every event one row can
 * decide (at most three: restored, updated, status), and for files of up to 500 million rows.
 */
const EVENT_SEQUENCES_PER_ROW = 8;

/**
 * One append per row: its events, with ids derived from the import and row, at the exact revision
 * read. Ids follow the row order (see sequentialId), so the store's indexes grow at their end.
 * Shared by the planner and its plan-lines thread, which must write the same lines.
 */
export function appendsFor(events: UserEvent[], importId: string, row: number, revision: number | undefined): AppendRequest[] {
  if (events.length === 0) return [];
  if (events.length > EVENT_SEQUENCES_PER_ROW) throw new Error(`row ${row} decided ${events.length} events, more than the ${EVENT_SEQUENCES_PER_ROW} its ids have room for`);
  return [
    {
      streamId: userStream(events[0].data.userId),
      expectedRevision: revision ?? 'no-stream',
      events: events.map((event, index) => ({
        id: sequentialId(importId, row * EVENT_SEQUENCES_PER_ROW + index, row, index, event.type),
        type: event.type,
        data: event.data,
      })),
    },
  ];
}

/** A created user's id: the same in the planner and on its plan-lines thread. */
export const createdUserId = (importId: string, row: number): string => sequentialId(importId, row, 'user', row);

/** One line of a plan blob, newline included. */
export const planLineText = (appends: AppendRequest[]): string => `${JSON.stringify({ appends })}\n`;
