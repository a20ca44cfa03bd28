import type { BlobStore } from '@dirsync/blob-store';
import type { EventStore } from '@dirsync/event-store';
import { readNdjson } from '@dirsync/blob-store';
import type { PlanAppends } from '../plan-import/plan-line';
import { BatchedAppends, EVENTS_PER_BATCH } from './batched-appends';

/**
 * Phase two: appends the plan's events in batches. Every append carries the ids and revision fixed
 * at planning, so running it again after a crash re-appends nothing that is already stored.
 */
export class PlanApplier {
  constructor(
    private readonly store: EventStore,
    private readonly blobs: BlobStore,
  ) {}

  async apply(planSha256: string, onProgress?: (appliedEvents: number) => void): Promise<number> {
    const appends = new BatchedAppends(this.store, EVENTS_PER_BATCH, onProgress);
    for await (const line of readNdjson<PlanAppends>(this.blobs.openRead(planSha256))) await appends.add(line.appends);
    return appends.flush();
  }
}
