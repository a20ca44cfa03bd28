import { WrongExpectedRevisionError, type AppendRequest, type EventStore } from '@dirsync/event-store';

/**
 * Events per transaction, for the apply and the revert. Small enough that a batch's decoded
 * requests die young: with 20,000 (about 30 MB of objects for created users) every batch outlived
 * young-generation collections and was copied into the old generation (a 1M initial import
 * promoted 1,752 MB, against 817 MB with 2,000), and the apply took about 3.5 s longer (README,
 * round 13).
 */
export const EVENTS_PER_BATCH = 2_000;

/**
 * Called for a request the store refused because its stream is no longer at the revision the plan
 * expected (another writer changed that user meanwhile), with the other requests of its row.
 */
export type OnConflict = (refused: AppendRequest, rowAppends: AppendRequest[], conflict: WrongExpectedRevisionError) => void;

/**
 * Appends requests in batches of at least `eventsPerBatch` events, one transaction each: large
 * enough to amortize the commit, small enough to keep memory flat. Every request carries its own
 * ids and expected revision, so a batch appended again after a crash adds nothing.
 *
 * With `onConflict`, a request whose stream moved is taken out of its batch and handed to it, and
 * the rest of the batch is appended again: one user changed meanwhile does not stop the others.
 * The other requests of its row stay (the catalog entries a row defines, which expect no revision:
 * later rows rely on them). Without it, the conflict is thrown.
 */
export class BatchedAppends {
  /** The requests of each row queued, a row's together. */
  private batch: AppendRequest[][] = [];
  private batchEvents = 0;
  private appended = 0;

  constructor(
    private readonly store: EventStore,
    private readonly eventsPerBatch: number,
    private readonly onProgress?: (appendedEvents: number) => void,
    private readonly onConflict?: OnConflict,
  ) {}

  /** Queues the requests of one row together (a batch never splits them), appending once the batch is full. */
  async add(requests: AppendRequest[]): Promise<void> {
    this.batch.push(requests);
    this.batchEvents += eventsOf(requests);
    if (this.batchEvents >= this.eventsPerBatch) await this.flush();
  }

  /** Appends what is queued; returns the number of events appended so far. */
  async flush(): Promise<number> {
    while (this.batch.length > 0) {
      try {
        await this.store.appendBatch(this.batch.flat());
      } catch (error) {
        const conflicting = this.conflictingRow(error);
        if (conflicting < 0) throw error;
        // The store appended none of the batch (or, on KurrentDB, the requests before it, which the
        // next attempt finds already stored): the others go again without this request.
        const conflict = error as WrongExpectedRevisionError;
        const row = this.batch[conflicting];
        const refused = row.find((request) => request.streamId === conflict.streamId) as AppendRequest;
        const kept = row.filter((request) => request !== refused);
        if (kept.length > 0) this.batch[conflicting] = kept;
        else this.batch.splice(conflicting, 1);
        this.batchEvents -= refused.events.length;
        this.onConflict?.(refused, row, conflict);
        continue;
      }
      this.appended += this.batchEvents;
      this.onProgress?.(this.appended);
      this.batch = [];
      this.batchEvents = 0;
    }
    return this.appended;
  }

  /** The queued row the conflict is about, or -1 (another error, or no handler for conflicts). */
  private conflictingRow(error: unknown): number {
    if (!this.onConflict || !(error instanceof WrongExpectedRevisionError)) return -1;
    return this.batch.findIndex((row) => row.some((request) => request.streamId === error.streamId));
  }
}

const eventsOf = (requests: AppendRequest[]): number => requests.reduce((sum, request) => sum + request.events.length, 0);
