import { Worker } from 'node:worker_threads';
import { workerModule } from '@dirsync/worker-threads';

/** What the worker opens: its own connections to the log and to the read models. */
export interface ProjectionThreadFiles {
  /** The embedded store's log. */
  logFile: string;
  /** The read models' main file; the directory's is attached beside it (see openReadModelDb). */
  readModelFile: string;
}

/**
 * The thread's young generation (V8's default is three times as large). The thread works while the
 * planner holds its claims, at the process's peak: with this limit the 1M disable-missing import
 * peaked at 463 MB instead of 476 (the initial import 426 instead of 429), at the same speed.
 */
const YOUNG_GENERATION_MB = 16;

/** What the process asks the thread for; each gets a reply with the same id. */
export type ProjectionThreadOp = 'catchUp' | 'follow' | 'resetForRebuild' | 'rebuildDirectory' | 'createReportIndexes' | 'close';
export type ProjectionThreadRequest = { id: number; op: ProjectionThreadOp } | { op: 'stopFollowing' };
export type ProjectionThreadReply = { id: number; result?: number; error?: { message: string; stack?: string } };

/**
 * The runner's catch-up passes on a thread of their own (the second core), over its own
 * connections to the log and the read models. The process goes on while a pass runs: an import
 * decides its next rows while its row results are projected, and appends its users while the
 * directory takes them. One pass runs at a time, so the read models still have one writer; during
 * a rebuild this thread writes the directory's file while the process writes the other one.
 */
export class ProjectionThread {
  /** Started by the first pass: a command that only reads never starts it. */
  private worker: Worker | undefined;
  private readonly pending = new Map<number, { resolve: (n: number) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failure: Error | undefined;

  constructor(private readonly files: ProjectionThreadFiles) {}

  catchUp(): Promise<number> {
    return this.request('catchUp');
  }

  /** A pass that goes on projecting what is appended until stopped (ProjectionRunner.followWhile). */
  follow(): { done: Promise<number>; stop: () => void } {
    const done = this.request('follow');
    return { done, stop: () => this.failure || this.worker?.postMessage({ op: 'stopFollowing' } satisfies ProjectionThreadRequest) };
  }

  /** The first step of a rebuild (ProjectionRunner.rebuild): empties every read model. */
  resetForRebuild(): Promise<number> {
    return this.request('resetForRebuild');
  }

  /**
   * The directory's half of a rebuild, once the read models are reset: projects every user event
   * into the directory's file and indexes it. Resolves with the number of events it applied.
   */
  rebuildDirectory(): Promise<number> {
    return this.request('rebuildDirectory');
  }

  /**
   * Creates the report's index on a thread of its own, started for it and ended once it is done
   * (this thread is the directory's meanwhile). For the end of a rebuild's other half.
   */
  async createReportIndexesBeside(): Promise<void> {
    const indexer = new ProjectionThread(this.files);
    try {
      await indexer.request('createReportIndexes');
    } finally {
      await indexer.close();
    }
  }

  /** Waits for the pass in flight, closes the thread's connections and ends it. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker || this.failure) return;
    await this.request('close').catch(() => undefined);
    await worker.terminate();
  }

  private start(): Worker {
    const { entry, ...loader } = workerModule(__dirname, 'projection-worker');
    const worker = new Worker(entry, {
      workerData: this.files,
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
      ...loader,
    });
    worker.on('message', (reply: ProjectionThreadReply) => this.settle(reply));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the projection thread stopped (exit code ${code})`)));
    return worker;
  }

  private request(op: ProjectionThreadOp): Promise<number> {
    if (this.failure) return Promise.reject(this.failure);
    this.worker ??= this.start();
    const worker = this.worker;
    const id = this.nextId++;
    // An idle thread must not keep the process alive; a pass in flight holds it.
    if (this.pending.size === 0) worker.ref();
    return new Promise<number>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, op } satisfies ProjectionThreadRequest);
    });
  }

  private settle({ id, result, error }: ProjectionThreadReply): void {
    const waiting = this.pending.get(id);
    if (!waiting) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    if (error) waiting.reject(Object.assign(new Error(error.message), { stack: error.stack }));
    else waiting.resolve(result ?? 0);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(this.failure);
    this.pending.clear();
  }
}
