import { Worker } from 'node:worker_threads';
import type { MatchBy } from '@dirsync/domain';
import { receiveBatches, reviveError, workerModule } from '@dirsync/worker-threads';

/** The claims pass's part of the records of a blob, a batch at a time: row, key and e-mail, as the records hold them. */
export interface RecordKeysBatch {
  rows: number[];
  /** `profile[matchBy]` of each record, null where it has none. */
  keys: (string | null)[];
  emails: (string | null)[];
  /** On the last batch only (which may hold no record): the blob's ReservedUsernames, as its hashes. */
  reservedUsernames?: Uint32Array;
}

/** What the worker reads (see record-keys-worker): the blob, the key it keeps, and how many records per message. */
export interface RecordKeysJob {
  file: string;
  matchBy: MatchBy;
  /** Records the blob holds, for which its ReservedUsernames are sized. */
  records: number;
  batchRecords: number;
  batchesAhead: number;
}

export interface RecordKeysTuning {
  /** Records per message: large enough that messaging costs little per record. */
  batchRecords?: number;
  /** Batches the thread may send before the reader has taken them: the most it holds in memory. */
  batchesAhead?: number;
}

const BATCH_RECORDS = 2_000;
const BATCHES_AHEAD = 4;

/**
 * The row, key and e-mail of every record in a records blob (NDJSON of UserRecord), read and
 * parsed on a worker thread, in file order, then the usernames the records give, reserved
 * (ReservedUsernames) with the last batch. The claims pass needs nothing else of a record, and
 * parsing whole records was about a quarter of its time on the main thread while the second core
 * had nothing to do (README, round 14). The thread runs at most `batchesAhead` batches ahead and is
 * stopped when the reader stops (at the end, on an error, or when it leaves the loop early).
 */
export function readRecordKeysOnThread(file: string, matchBy: MatchBy, records: number, tuning: RecordKeysTuning = {}): AsyncGenerator<RecordKeysBatch> {
  const job: RecordKeysJob = { file, matchBy, records, batchRecords: tuning.batchRecords ?? BATCH_RECORDS, batchesAhead: tuning.batchesAhead ?? BATCHES_AHEAD };
  const start = () => {
    const { entry, ...loader } = workerModule(__dirname, 'record-keys-worker');
    return new Worker(entry, { workerData: job, ...loader });
  };
  return receiveBatches<RecordKeysBatch>(start, { thread: 'the records thread', revive: reviveError });
}
