import type { BlobStore } from '@dirsync/blob-store';
import type { AppendRequest, EventStore } from '@dirsync/event-store';
import { readNdjson } from '@dirsync/blob-store';
import type { PlanAppends } from '../plan-import/plan-line';

/** Events per transaction: large enough to amortize the commit, small enough to keep memory flat. */
const EVENTS_PER_BATCH = 20_000;

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
    let batch: AppendRequest[] = [];
    let batchEvents = 0;
    let applied = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await this.store.appendBatch(batch);
      applied += batchEvents;
      onProgress?.(applied);
      batch = [];
      batchEvents = 0;
    };
    for await (const line of readNdjson<PlanAppends>(this.blobs.openRead(planSha256))) {
      for (const append of line.appends) {
        batch.push(append);
        batchEvents += append.events.length;
      }
      if (batchEvents >= EVENTS_PER_BATCH) await flush();
    }
    await flush();
    return applied;
  }
}
