import type { BlobStore } from '@dirsync/blob-store';
import type { EventStore } from '@dirsync/event-store';
import { readNdjson } from '@dirsync/blob-store';
import type { PlanAppends } from '../plan-import/plan-line';
import { BatchedAppends } from './batched-appends';

/**
 * Events per transaction (see BatchedAppends). Small enough that a batch's decoded plan lines die
 * young: with 20,000 (about 30 MB of objects for created users) every batch outlived
 * young-generation collections and was copied into the old generation (a 1M initial import
 * promoted 1,752 MB, against 817 MB with 2,000), and the apply took about 3.5 s longer (README,
 * round 13).
 */
const EVENTS_PER_BATCH = 2_000;

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
