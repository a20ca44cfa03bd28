import type { BlobRef, BlobWriter } from '@dirsync/blob-store';
import type { RowResult } from '@dirsync/domain';
import type { RowResultSink } from './import-planner';
import type { PlanItem, PlanLinesThread } from './plan-lines-thread';

/**
 * Where the planner puts each row's result and the plan line of its appends, if any. Results reach
 * the sink in row order; a created user's result points at its line (see RowResult.planLine).
 */
export interface PlanWriter {
  write(result: RowResult, item: PlanItem | undefined): Promise<void>;
  commit(): Promise<BlobRef>;
  abort(): Promise<void>;
}

/** Counts the plan's bytes, so that each created user's result can point at its line. */
class LinePlaces {
  private bytes = 0;

  place(result: RowResult, length: number): void {
    // A created user's fields are read from its line, not repeated in its result.
    if (result.outcome === 'created') result.planLine = { offset: this.bytes, length };
    this.bytes += length;
  }
}

/** Writes the plan blob in the process: each line is encoded by the planner. */
export class InProcessPlanWriter implements PlanWriter {
  private readonly places = new LinePlaces();

  constructor(
    private readonly blob: BlobWriter,
    private readonly results: RowResultSink,
  ) {}

  async write(result: RowResult, item: PlanItem | undefined): Promise<void> {
    if (item !== undefined) {
      if (typeof item !== 'string') throw new Error(`row ${item.row}: a created row's line is built on the plan-lines thread only`);
      this.places.place(result, Buffer.byteLength(item));
      await this.blob.write(item);
    }
    await this.results.add(result);
  }

  commit(): Promise<BlobRef> {
    return this.blob.commit();
  }

  abort(): Promise<void> {
    return this.blob.abort();
  }
}

/**
 * Rows whose results wait together for their lines' lengths. Small, because results that wait
 * outlive young-generation collections: with 2,000 the main thread collected garbage for about
 * a fifth of the deciding of a 1M first import (an eighth without the thread), and spared the
 * phase no time beyond the noise.
 */
export const PLAN_LINES_BATCH_ROWS = 500;

interface Batch {
  results: RowResult[];
  /** Per result, the index of its item in `items`, or -1 for none. */
  itemOf: number[];
  items: PlanItem[];
}

/** Batches of lines on the thread while the planner decides the next (see OUTLINE_BATCHES_AHEAD). */
const PLAN_LINES_BATCHES_IN_FLIGHT = 2;

interface SentBatch {
  results: RowResult[];
  itemOf: number[];
  lengths: Promise<number[]>;
}

const emptyBatch = (): Batch => ({ results: [], itemOf: [], items: [] });

/**
 * Writes the plan blob on the plan-lines thread. Results wait, a batch at a time, for the lengths
 * of their lines; up to PLAN_LINES_BATCHES_IN_FLIGHT batches are on the thread while the planner
 * decides the next.
 */
export class ThreadPlanWriter implements PlanWriter {
  private readonly places = new LinePlaces();
  private batch = emptyBatch();
  /** Oldest first. */
  private readonly sent: SentBatch[] = [];

  constructor(
    private readonly thread: PlanLinesThread,
    private readonly results: RowResultSink,
    private readonly batchRows = PLAN_LINES_BATCH_ROWS,
  ) {}

  async write(result: RowResult, item: PlanItem | undefined): Promise<void> {
    const { batch } = this;
    batch.results.push(result);
    batch.itemOf.push(item === undefined ? -1 : batch.items.push(item) - 1);
    if (batch.results.length >= this.batchRows) await this.send();
  }

  async commit(): Promise<BlobRef> {
    await this.send();
    while (this.sent.length > 0) await this.deliverOldest();
    return this.thread.commit();
  }

  abort(): Promise<void> {
    return this.thread.abort();
  }

  /** Sends the batch, then hands on the results of the oldest batches beyond those in flight, whose lengths are back by then or soon. */
  private async send(): Promise<void> {
    const { results, itemOf, items } = this.batch;
    if (results.length === 0) return;
    this.batch = emptyBatch();
    const sent: SentBatch = { results, itemOf, lengths: this.thread.lines(items) };
    // Handled when delivered; a failure meanwhile must not count as unhandled.
    sent.lengths.catch(() => undefined);
    this.sent.push(sent);
    while (this.sent.length > PLAN_LINES_BATCHES_IN_FLIGHT) await this.deliverOldest();
  }

  private async deliverOldest(): Promise<void> {
    const sent = this.sent.shift();
    if (!sent) return;
    const lengths = await sent.lengths;
    for (let i = 0; i < sent.results.length; i++) {
      const item = sent.itemOf[i];
      if (item >= 0) this.places.place(sent.results[i], lengths[item]);
      await this.results.add(sent.results[i]);
    }
  }
}
