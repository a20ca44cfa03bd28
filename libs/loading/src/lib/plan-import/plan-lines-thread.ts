import { Worker } from 'node:worker_threads';
import type { BlobRef } from '@dirsync/blob-store';
import type { ImportOptions, UserRecord } from '@dirsync/domain';
import { reviveError, workerModule, type SerializedError } from '@dirsync/worker-threads';
import { outlinedRecords, type RecordOutlines } from './record-outlines';

/**
 * A row that creates a user, as the planner hands it to the plan-lines thread: the thread reads the
 * row's record from the records blob itself and builds the user's event from it and these facts,
 * which only the planner knows (they depend on the claims of the rows before).
 */
export interface CreatedRow {
  row: number;
  /** The username generated for a record without one. */
  username?: string;
  managerUnknown: boolean;
}

/** A plan line as it crosses: written as it is, or built on the thread for a created row. */
export type PlanItem = string | CreatedRow;

/**
 * Batches of outlines asked for while the planner decides one. With one, the planner and the thread
 * waited for each other more: in three runs of a 1M first import each way, two ahead (with two
 * batches of lines in flight, PLAN_LINES_BATCHES_IN_FLIGHT) took the deciding from 15.98, 16.33
 * and 15.85 s to 15.41, 13.64 and 15.79 s.
 */
const OUTLINE_BATCHES_AHEAD = 2;

/** What the worker needs (see plan-lines-worker). */
export interface PlanLinesJob {
  recordsFile: string;
  blobsRoot: string;
  importId: string;
  options: ImportOptions;
  /** Records per batch of outlines (see PlanLinesThread.outlinedRecords). */
  outlineBatchRecords: number;
}

export type PlanLinesRequest = { kind: 'outlines' } | { kind: 'lines'; items: PlanItem[] } | { kind: 'commit' } | { kind: 'abort' };
export type PlanLinesReply =
  | { kind: 'outlines'; outlines: RecordOutlines | null }
  | { kind: 'lengths'; lengths: number[] }
  | { kind: 'committed'; ref: BlobRef }
  | { kind: 'aborted' }
  | { kind: 'error'; error: SerializedError };

interface Waiting {
  resolve: (reply: PlanLinesReply) => void;
  reject: (error: Error) => void;
}

/**
 * The plan blob written on a worker thread: the lines of rows that create users are built there,
 * from the records blob and a few facts per row, and only their byte lengths come back. Encoding a
 * created user's line is the largest part of deciding a first import on the main thread, and it
 * needs nothing the claims hold beyond those facts. Requests are answered in order.
 */
export class PlanLinesThread {
  private readonly worker: Worker;
  private readonly waiting: Waiting[] = [];
  private failure: Error | undefined;
  private ended = false;

  constructor(job: PlanLinesJob) {
    const { entry, ...loader } = workerModule(__dirname, 'plan-lines-worker');
    this.worker = new Worker(entry, { workerData: job, ...loader });
    this.worker.on('message', (reply: PlanLinesReply) => {
      const next = this.waiting.shift();
      if (reply.kind === 'error') this.fail(reviveError(reply.error), next);
      else next?.resolve(reply);
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (!this.ended) this.fail(new Error(`the plan-lines thread stopped before its end (exit code ${code})`));
    });
  }

  /**
   * The records of a first import to plan, a batch at a time, made from the outlines the thread
   * reads (see RecordOutlines) rather than read and parsed by the planner too. The thread keeps
   * each batch until the lines of its created users are built, and once outlines are asked for it
   * builds lines only from outlined records. While a batch is decided, the next `ahead` are asked
   * for, so that the planner seldom waits for the thread.
   */
  async *outlinedRecords(ahead = OUTLINE_BATCHES_AHEAD): AsyncGenerator<UserRecord[]> {
    const asked: Promise<RecordOutlines | undefined>[] = [];
    const ask = () => {
      const outlines = this.outlines();
      // Awaited in its turn; a failure meanwhile must not count as unhandled.
      outlines.catch(() => undefined);
      asked.push(outlines);
    };
    for (let i = 0; i < ahead; i++) ask();
    for (;;) {
      const outlines = await asked.shift();
      if (!outlines) return;
      ask();
      yield outlinedRecords(outlines);
    }
  }

  /** The outlines of the next batch of records, or undefined after the last. */
  private async outlines(): Promise<RecordOutlines | undefined> {
    const reply = await this.request({ kind: 'outlines' });
    if (reply.kind !== 'outlines') throw new Error(`the plan-lines thread answered ${reply.kind} to outlines`);
    return reply.outlines ?? undefined;
  }

  /** Writes the items' lines after the ones sent before; resolves with each line's length in bytes. */
  async lines(items: PlanItem[]): Promise<number[]> {
    const reply = await this.request({ kind: 'lines', items });
    if (reply.kind !== 'lengths') throw new Error(`the plan-lines thread answered ${reply.kind} to lines`);
    return reply.lengths;
  }

  async commit(): Promise<BlobRef> {
    const reply = await this.request({ kind: 'commit' });
    if (reply.kind !== 'committed') throw new Error(`the plan-lines thread answered ${reply.kind} to commit`);
    await this.stop();
    return reply.ref;
  }

  /** Discards the blob (its temp file) and stops the thread. Safe after a failure. */
  async abort(): Promise<void> {
    if (!this.failure && !this.ended) await this.request({ kind: 'abort' }).catch(() => undefined);
    await this.stop();
  }

  private request(message: PlanLinesRequest): Promise<PlanLinesReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(message);
    });
  }

  private fail(error: Error, first?: Waiting): void {
    this.failure ??= error;
    for (const waiting of [...(first ? [first] : []), ...this.waiting.splice(0)]) waiting.reject(this.failure);
  }

  private async stop(): Promise<void> {
    this.ended = true;
    await this.worker.terminate();
  }
}
