import { Worker } from 'node:worker_threads';
import { receiveBatches, reviveError, serializeError, workerModule, type SerializedError } from '@dirsync/worker-threads';
import type { SourceEncoding } from '../decoding/encoding';
import { FileRejectedError, type FileProblem } from '../errors';
import type { CsvReadOptions, CsvRow } from './csv-rows';

/** What the worker reads (see csv-rows-worker): the file, its encoding, how to split it, and how many rows per message. */
export interface CsvThreadJob {
  filePath: string;
  source: SourceEncoding;
  csv: CsvReadOptions;
  batchRows: number;
  batchesAhead: number;
}

/** A batch of rows as it crosses from the worker: their numbers and their cells. */
export interface CsvRowsBatch {
  rows: number[];
  cells: string[][];
}

/** An error as it crosses the thread: a FileRejectedError keeps its problems, any other error its message and code. */
export type ThreadError = { name: 'FileRejectedError'; fileName: string; problems: FileProblem[] } | SerializedError;

export interface CsvThreadTuning {
  /** Rows per message: large enough that messaging costs little per row. */
  batchRows?: number;
  /** Batches the worker may send before the reader has taken them: the most it holds in memory. */
  batchesAhead?: number;
}

const BATCH_ROWS = 1_000;
const BATCHES_AHEAD = 4;

/**
 * The rows of a CSV file, split by csv-parse on a worker thread: the same rows, numbers and errors
 * as readCsvRows, while this thread maps, validates and writes the rows already split. csv-parse is
 * more than half of a transformation's CPU, and during the transformation the second core has
 * nothing else to do. The worker runs at most `batchesAhead` batches ahead of the reader, and is
 * stopped when the reader stops (at the end, on an error, or when it leaves the loop early).
 */
export class CsvRowsThread implements AsyncIterable<CsvRow> {
  private exitCode: Promise<number> | undefined;

  constructor(
    private readonly filePath: string,
    private readonly source: SourceEncoding,
    private readonly csv: CsvReadOptions,
    private readonly tuning: CsvThreadTuning = {},
  ) {}

  /** Resolves with the worker's exit code once it has ended; undefined before the rows were asked for. */
  get exited(): Promise<number> | undefined {
    return this.exitCode;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<CsvRow> {
    const job: CsvThreadJob = {
      filePath: this.filePath,
      source: this.source,
      csv: this.csv,
      batchRows: this.tuning.batchRows ?? BATCH_ROWS,
      batchesAhead: this.tuning.batchesAhead ?? BATCHES_AHEAD,
    };
    const start = () => {
      const { entry, ...loader } = workerModule(__dirname, 'csv-rows-worker');
      const worker = new Worker(entry, { workerData: job, ...loader });
      this.exitCode = new Promise((resolve) => worker.once('exit', resolve));
      return worker;
    };
    for await (const batch of receiveBatches<CsvRowsBatch, ThreadError>(start, { thread: 'the CSV parsing thread', revive })) {
      for (let i = 0; i < batch.rows.length; i++) yield { row: batch.rows[i], cells: batch.cells[i] };
    }
  }
}

export function serialize(error: unknown): ThreadError {
  if (error instanceof FileRejectedError) return { name: error.name, fileName: error.fileName, problems: error.problems };
  return serializeError(error);
}

function revive(error: ThreadError): Error {
  if ('problems' in error) return new FileRejectedError(error.fileName, error.problems);
  return reviveError(error);
}
