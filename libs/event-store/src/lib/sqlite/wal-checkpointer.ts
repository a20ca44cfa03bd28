import { Worker } from 'node:worker_threads';

export interface WalCheckpointerOptions {
  /** How often each file's WAL is checkpointed. Default 200 ms. */
  intervalMs?: number;
  /** Called if the thread stops by itself (a file it cannot open); the writers then checkpoint as before. */
  onError?: (error: Error) => void;
}

/**
 * The thread's code, evaluated in it (workerData: files, intervalMs, and better-sqlite3's resolved
 * path, since evaluated code has no module of its own to resolve from). Plain JavaScript in a
 * string rather than a worker module (@dirsync/worker-threads): it starts with every embedded store,
 * in tests too, where a module would compile its TypeScript at each start; and a function's
 * toString() would carry whatever instrumentation a test runner adds to it.
 *
 * A connection per file, each WAL checkpointed on a timer. PASSIVE never waits for a lock, so it
 * never holds up a writer or a reader; what it cannot copy on one turn it copies on a later one.
 * It says 'ready' once it has checkpointed every file a first time; any message from the process
 * stops it, with its connections closed.
 */
const CHECKPOINT_LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
// The thread's 'error' event carries a plain Error whole, better-sqlite3's own class without its message.
const named = (file, action) => {
  try {
    return action();
  } catch (error) {
    throw new Error(file + ': ' + (error && error.message ? error.message : String(error)));
  }
};
const connections = workerData.files.map((file) => [file, named(file, () => new Database(file, { fileMustExist: true }))]);
const checkpoint = () => {
  for (const [file, db] of connections) named(file, () => db.pragma('wal_checkpoint(PASSIVE)'));
};
checkpoint();
parentPort.postMessage('ready');
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  for (const [, db] of connections) db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints SQLite files' write-ahead logs on a thread of its own. A checkpoint copies the WAL
 * into the database file and syncs both to disk (with synchronous = NORMAL, the only syncs there
 * are). Left to SQLite, it runs inside the commit that takes the WAL past 1,000 pages, and that
 * writer waits for the disk. With this thread copying and syncing first, the writer's own
 * checkpoint finds little left to do, and the WAL stays about as small as before: SQLite's
 * defaults stay as they are, and if this thread stops, the writers checkpoint as they always did.
 */
export class WalCheckpointer {
  /** Resolves once the thread has checkpointed every file a first time; rejects if it stopped before. */
  readonly ready: Promise<void>;
  private exited = false;
  private readonly exit: Promise<void>;

  private constructor(private readonly worker: Worker) {
    this.exit = new Promise((resolve) =>
      worker.once('exit', () => {
        this.exited = true;
        resolve();
      }),
    );
    this.ready = new Promise((resolve, reject) => {
      worker.once('message', () => resolve());
      void this.exit.then(() => reject(new Error('the WAL checkpoint thread stopped before its first checkpoint')));
    });
    // Its failure is reported through onError; an unawaited `ready` must not also surface as unhandled.
    this.ready.catch(() => undefined);
  }

  /** Starts the thread. Every file must exist already, in WAL mode (as openSqliteFile leaves it). */
  static start(files: readonly string[], options: WalCheckpointerOptions = {}): WalCheckpointer {
    const worker = new Worker(CHECKPOINT_LOOP, {
      eval: true,
      workerData: { files, intervalMs: options.intervalMs ?? 200, driver: require.resolve('better-sqlite3') },
      // A few statements and a timer: V8's smallest heap will do.
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 8 },
    });
    worker.on('error', (error) => options.onError?.(error));
    // It never keeps the process alive on its own.
    worker.unref();
    return new WalCheckpointer(worker);
  }

  /** Ends the loop after the checkpoint in progress, if any, and waits for its connections to close. */
  async stop(): Promise<void> {
    if (this.exited) return;
    // Held until it exits: a process with nothing else to do must not end before the files are closed.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exit;
  }
}
