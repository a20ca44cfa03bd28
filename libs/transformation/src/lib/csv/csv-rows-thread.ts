import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
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

/** The worker's messages, in order: batches of rows, then an end or an error. */
export type CsvThreadMessage =
  | { kind: 'rows'; rows: number[]; cells: string[][] }
  | { kind: 'end' }
  | { kind: 'error'; error: ThreadError };

/** An error as it crosses the thread: a FileRejectedError keeps its problems, any other error its message and code. */
export type ThreadError =
  | { name: 'FileRejectedError'; fileName: string; problems: FileProblem[] }
  | { name: string; message: string; code?: string; stack?: string };

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
    const { entry, ...loader } = workerModule();
    const worker = new Worker(entry, { workerData: job, ...loader });
    this.exitCode = new Promise((resolve) => worker.once('exit', resolve));
    const inbox = new Inbox(worker);
    try {
      for (;;) {
        const message = await inbox.next();
        if (message.kind === 'end') return;
        if (message.kind === 'error') throw revive(message.error);
        worker.postMessage('more'); // room for one more batch ahead
        for (let i = 0; i < message.rows.length; i++) yield { row: message.rows[i], cells: message.cells[i] };
      }
    } finally {
      await worker.terminate();
    }
  }
}

/** The worker's messages as they come, for a reader that takes them one at a time. */
class Inbox {
  private readonly queue: CsvThreadMessage[] = [];
  private waiting: ((message: CsvThreadMessage) => void) | undefined;

  constructor(worker: Worker) {
    worker.on('message', (message: CsvThreadMessage) => this.put(message));
    // A crash (an exception the worker did not catch, memory) or an exit before its end.
    worker.on('error', (error) => this.put({ kind: 'error', error: serialize(error) }));
    worker.on('exit', (code) => this.put({ kind: 'error', error: { name: 'Error', message: `the CSV parsing thread stopped (exit code ${code})` } }));
  }

  next(): Promise<CsvThreadMessage> {
    const message = this.queue.shift();
    if (message) return Promise.resolve(message);
    return new Promise((resolve) => (this.waiting = resolve));
  }

  private put(message: CsvThreadMessage): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting(message);
    else this.queue.push(message);
  }
}

export function serialize(error: unknown): ThreadError {
  if (error instanceof FileRejectedError) return { name: error.name, fileName: error.fileName, problems: error.problems };
  // Anything may be thrown, null included.
  const { name = 'Error', message = String(error), code, stack } = (error ?? {}) as { name?: string; message?: string; code?: string; stack?: string };
  return { name, message, code, stack };
}

function revive(error: ThreadError): Error {
  if ('problems' in error) return new FileRejectedError(error.fileName, error.problems);
  return Object.assign(new Error(error.message), { name: error.name, code: error.code, stack: error.stack ?? error.message });
}

/**
 * The worker's module beside this one: compiled JavaScript when the app runs from dist/. Under Jest
 * only the TypeScript is there, and the worker compiles it as it loads it, with the workspace's
 * path aliases.
 */
function workerModule(): { entry: string; execArgv?: string[]; env?: NodeJS.ProcessEnv } {
  const compiled = join(__dirname, 'csv-rows-worker.js');
  if (existsSync(compiled)) return { entry: compiled };
  return {
    entry: join(__dirname, 'csv-rows-worker.ts'),
    execArgv: ['--require', '@swc-node/register'],
    env: { ...process.env, SWC_NODE_PROJECT: join(__dirname, '..', '..', '..', '..', '..', 'tsconfig.base.json') },
  };
}
