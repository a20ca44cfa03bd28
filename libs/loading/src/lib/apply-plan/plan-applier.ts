import type { BlobStore } from '@dirsync/blob-store';
import { outcomeOfEvents, type NotAppliedRow, type UserEvent } from '@dirsync/domain';
import type { AppendRequest, EventStore, WrongExpectedRevisionError } from '@dirsync/event-store';
import { readNdjson } from '@dirsync/blob-store';
import type { PlanAppends } from '../plan-import/plan-line';
import { BatchedAppends, EVENTS_PER_BATCH } from './batched-appends';

export interface AppliedPlan {
  /** Events appended (or found already stored, after a crash). */
  appendedEvents: number;
  /**
   * Rows whose user another writer changed meanwhile, in plan order (the file's rows, then users
   * missing from it), as the batches meet them: none of their user events were appended (the
   * catalog entries a row defines were).
   */
  notApplied: NotAppliedRow[];
}

/**
 * Phase two: appends the plan's events in batches. Every append carries the ids and revision fixed
 * at planning, so running it again after a crash re-appends nothing that is already stored. A row's
 * user events are left out when another writer changed that user since the plan was made, and the
 * rest of the plan applied; run again, they are left out again (the user is still not at the
 * planned revision).
 */
export class PlanApplier {
  constructor(
    private readonly store: EventStore,
    private readonly blobs: BlobStore,
  ) {}

  async apply(planSha256: string, onProgress?: (appliedEvents: number) => void): Promise<AppliedPlan> {
    const notApplied: NotAppliedRow[] = [];
    const appends = new BatchedAppends(this.store, EVENTS_PER_BATCH, onProgress, (refused, _row, conflict) => notApplied.push(notAppliedRow(refused, conflict)));
    for await (const line of readNdjson<PlanAppends>(this.blobs.openRead(planSha256))) await appends.add(line.appends);
    const appendedEvents = await appends.flush();
    return { appendedEvents, notApplied };
  }
}

/** What the report says of a row whose user events were left out: they name their user and file row. */
function notAppliedRow(refused: AppendRequest, conflict: WrongExpectedRevisionError): NotAppliedRow {
  const events = refused.events;
  const { userId, row } = events[0].data as { userId: string; row?: number };
  return {
    ...(row === undefined ? {} : { row }),
    userId,
    planned: outcomeOfEvents(events.map((event) => event.type as UserEvent['type'])),
    reason: `not applied: another writer changed user ${userId} while this import was applied (${conflict.message}); import the file again to apply this row`,
  };
}
