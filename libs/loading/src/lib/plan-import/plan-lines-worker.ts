import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { BlobStore, readNdjsonBatches } from '@dirsync/blob-store/core';
import { decideRow, type UserRecord } from '@dirsync/domain';
import { serializeError } from '@dirsync/worker-threads';
import { appendsFor, createdUserId, planLineText } from './plan-appends';
import type { CreatedRow, PlanItem, PlanLinesJob, PlanLinesReply, PlanLinesRequest } from './plan-lines-thread';
import { outlineRecords, type RecordOutlines } from './record-outlines';

// The plan-lines thread (see PlanLinesThread): writes the plan blob, building the lines of created
// rows from their records, and answers each request in order.
const port = parentPort;
if (!port) throw new Error('plan-lines-worker runs as a worker thread (see PlanLinesThread)');

const job = workerData as PlanLinesJob;
const writer = new BlobStore(job.blobsRoot).writer();
const records = readNdjsonBatches<UserRecord>(createReadStream(job.recordsFile))[Symbol.asyncIterator]();
/** Batches whose outlines the planner has, oldest first: once it reads outlines, lines are built from these. */
const outlined: UserRecord[][] = [];
/** Where lines find their records, fixed by the first request that reads any: the blob, or the outlined batches. */
let recordsFrom: 'blob' | 'outlines' | undefined;
let batch: UserRecord[] = [];
let next = 0;

async function readRecords(): Promise<UserRecord[] | undefined> {
  const read = await records.next();
  return read.done ? undefined : read.value;
}

/** The next batch that recordOf looks through. */
async function nextBatch(row: number): Promise<UserRecord[]> {
  if (recordsFrom === 'outlines') {
    const held = outlined.shift();
    if (!held) throw new Error(`row ${row}'s line was asked for before its record's outline was sent`);
    return held;
  }
  recordsFrom = 'blob';
  const read = await readRecords();
  if (!read) throw new Error(`the records blob ended before row ${row}`);
  return read;
}

/** The record of `row`: rows come in ascending order, as the records blob holds them. */
async function recordOf(row: number): Promise<UserRecord> {
  for (;;) {
    while (next < batch.length) {
      const record = batch[next++];
      if (record.row === row) return record;
      if (record.row > row) throw new Error(`the records blob has no row ${row}`);
    }
    batch = await nextBatch(row);
    next = 0;
  }
}

/** Records read from the blob and not yet outlined. */
let unread: UserRecord[] = [];

/** The next records' outlines (null after the last); the records are kept until their lines are built. */
async function outlines(): Promise<RecordOutlines | null> {
  if (recordsFrom === 'blob') throw new Error('outlines were asked for after lines were built from records the planner read itself');
  recordsFrom = 'outlines';
  while (unread.length < job.outlineBatchRecords) {
    const more = await readRecords();
    if (!more) break;
    for (const record of more) unread.push(record);
  }
  if (unread.length === 0) return null;
  const taken = unread.slice(0, job.outlineBatchRecords);
  unread = unread.slice(job.outlineBatchRecords);
  outlined.push(taken);
  return outlineRecords(taken);
}

/** The line the planner would have written for this created row (ImportPlanner.planRow, then plan()). */
async function createdLine({ row, username, managerUnknown }: CreatedRow): Promise<string> {
  // The record as it is: for a record without roles or properties, checkCatalog's copy differs only
  // in a copied warnings array, which decideRow copies again and never writes to.
  const record = await recordOf(row);
  const decision = decideRow(record, { newUserId: createdUserId(job.importId, row), generatedUsername: username, managerUnknown }, job.options, { importId: job.importId });
  if (decision.outcome !== 'created') throw new Error(`row ${row} was planned as created, but decides ${decision.outcome} on the plan-lines thread`);
  return planLineText(appendsFor(decision.events, job.importId, row, undefined));
}

async function lines(items: PlanItem[]): Promise<number[]> {
  const lengths: number[] = [];
  for (const item of items) {
    const line = typeof item === 'string' ? item : await createdLine(item);
    lengths.push(Buffer.byteLength(line));
    await writer.write(line);
  }
  return lengths;
}

async function handle(request: PlanLinesRequest): Promise<PlanLinesReply> {
  switch (request.kind) {
    case 'outlines':
      return { kind: 'outlines', outlines: await outlines() };
    case 'lines':
      return { kind: 'lengths', lengths: await lines(request.items) };
    case 'commit':
      return { kind: 'committed', ref: await writer.commit() };
    case 'abort':
      await writer.abort();
      return { kind: 'aborted' };
  }
}

// One request at a time, in the order they came; after a failure, none (the planner aborts).
let queue = Promise.resolve();
let failed = false;
port.on('message', (request: PlanLinesRequest) => {
  queue = queue.then(async () => {
    if (failed) return;
    try {
      port.postMessage(await handle(request));
    } catch (error) {
      failed = true;
      port.postMessage({ kind: 'error', error: serializeError(error) } satisfies PlanLinesReply);
      await writer.abort();
    }
  });
});
