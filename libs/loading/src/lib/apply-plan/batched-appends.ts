import type { AppendRequest, EventStore } from '@dirsync/event-store';

/**
 * Appends requests in batches of at least `eventsPerBatch` events, one transaction each: large
 * enough to amortize the commit, small enough to keep memory flat. Every request carries its own
 * ids and expected revision, so a batch appended again after a crash adds nothing.
 */
export class BatchedAppends {
  private batch: AppendRequest[] = [];
  private batchEvents = 0;
  private appended = 0;

  constructor(
    private readonly store: EventStore,
    private readonly eventsPerBatch: number,
    private readonly onProgress?: (appendedEvents: number) => void,
  ) {}

  /** Queues the requests of one row together (a batch never splits them), appending once the batch is full. */
  async add(requests: AppendRequest[]): Promise<void> {
    for (const request of requests) {
      this.batch.push(request);
      this.batchEvents += request.events.length;
    }
    if (this.batchEvents >= this.eventsPerBatch) await this.flush();
  }

  /** Appends what is queued; returns the number of events appended so far. */
  async flush(): Promise<number> {
    if (this.batch.length > 0) {
      await this.store.appendBatch(this.batch);
      this.appended += this.batchEvents;
      this.onProgress?.(this.appended);
      this.batch = [];
      this.batchEvents = 0;
    }
    return this.appended;
  }
}
