import type { EventStore, RecordedEvent } from '@dirsync/event-store';
import {
  checkpointSchemaOf,
  createSecondaryIndexes,
  directorySize,
  dropDirectoryIndexes,
  dropSecondaryIndexes,
  missingSecondaryIndexes,
  type ReadModelDb,
} from '../read-model-db';
import { DIRECTORY_PROJECTION } from '../directory/directory.projection';
import { lockRebuild, type RebuildLock } from './rebuild-lock';
import type { Projection } from './projection';
import type { ProjectionThread } from './projection-thread';

/**
 * Work per transaction, in events plus the rows that row-result events carry. Small enough that a
 * batch's decoded events die in the young generation (16 MB on the projection thread): batches of
 * 20,000 outlived its collections, and a 1M initial import copied about 930 MB of them into the
 * old generation, 830 MB with 2,000, 3 MB with 1,000 (README, round 13). Large imports defer the
 * directory's random-keyed indexes (DEFER_INDEXES_AFTER_EVENTS), so a commit rewrites few of
 * their pages.
 */
const BATCH_WEIGHT = 1_000;

/** An event's work: row-result events carry their rows as a list, or as columns (RowResultColumns). */
const weightOf = (event: RecordedEvent): number => {
  const data = event.data as { rows?: unknown; columns?: { outcome?: unknown } } | undefined;
  const rows = data?.rows ?? data?.columns?.outcome;
  return 1 + (Array.isArray(rows) ? rows.length : 0);
};

/**
 * A pass that has applied this many events (twenty batches of user events) and finds more, in a
 * directory of at most four users per event it applied, drops the directory's indexes for the
 * rest and creates them once when it ends. Their keys are random, so inserting users one by one
 * rewrites pages all over them: in a measurement of a million users on the benchmark's machine,
 * inserting into the four indexes row by row took about 55 s, creating them afterwards 7 s.
 * Creating them costs in proportion to the directory, at most four times what the pass has
 * already applied. (The backlog is judged by what the pass applied, not by positions: on
 * KurrentDB those count bytes.)
 */
const DEFER_INDEXES_AFTER_EVENTS = 20_000;
const DEFER_INDEXES_MAX_USERS_PER_EVENT = 4;

/** How soon a following pass (followWhile) looks again once it has read the log to its end. */
const FOLLOW_POLL_MS = 20;

export interface ProjectionRunnerOptions {
  /** Events a pass applies before it may defer the directory's indexes (DEFER_INDEXES_AFTER_EVENTS). */
  deferIndexesAfterEvents?: number;
  /** Work per transaction (BATCH_WEIGHT). */
  batchWeight?: number;
  /**
   * Runs the catch-up passes on this thread instead (over its own connections to the same files),
   * so the process goes on meanwhile. A rebuild runs its directory's half there.
   */
  thread?: ProjectionThread;
  /**
   * False for a runner that is one half of a rebuild: its passes neither defer nor create indexes,
   * which the rebuild creates once both halves are done. Default true.
   */
  manageIndexes?: boolean;
}

/**
 * Keeps the read models up to date with the log. Each batch of events is applied to every
 * projection and the checkpoints are moved in one transaction; each projection's checkpoint is in
 * the file of its rows, where the transaction is atomic (see openReadModelDb). The checkpoint is
 * re-read inside that transaction, so two processes running the projections on one database
 * never apply an event twice. A batch that read a checkpoint before another process committed,
 * and so may not write (SQLite refuses it, SQLITE_BUSY), is applied again, from the checkpoints as
 * they are then.
 */
export class ProjectionRunner {
  /** Per projection, the statements that read and move its checkpoint, in the file of its rows. */
  private readonly checkpoints;
  private running: Promise<number> | undefined;
  /** The pass after the one in flight, shared by every catchUp that came during it. */
  private queued: Promise<number> | undefined;
  /** The running pass dropped the directory's indexes and creates them again when it ends. */
  private indexesDeferred = false;
  private live: { timer: NodeJS.Timeout; stopped: boolean } | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly db: ReadModelDb,
    private readonly projections: Projection[],
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    const statementsIn = (schema: string) => ({
      get: db.prepare<[string], number>(`SELECT position FROM ${schema}.projection_checkpoints WHERE name = ?`).pluck(),
      set: db.prepare<[string, number]>(
        `INSERT INTO ${schema}.projection_checkpoints(name, position) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET position = excluded.position`,
      ),
    });
    this.checkpoints = new Map(projections.map((projection) => [projection.name, statementsIn(checkpointSchemaOf(projection.name))]));
  }

  checkpoint(projection: Projection): number {
    return this.checkpointStatements(projection).get.get(projection.name) ?? 0;
  }

  private setCheckpoint(projection: Projection, position: number): void {
    this.checkpointStatements(projection).set.run(projection.name, position);
  }

  private checkpointStatements(projection: Projection) {
    const statements = this.checkpoints.get(projection.name);
    if (!statements) throw new Error(`projection ${projection.name} is not one of this runner's`);
    return statements;
  }

  /** Position every projection has reached (the lowest checkpoint). */
  position(): number {
    return Math.min(...this.projections.map((p) => this.checkpoint(p)));
  }

  /**
   * Applies every event stored before the call. A pass in flight may have read the log's head
   * before the caller's events were appended, so callers that come during one share the pass after
   * it. Resolves with the number of events the pass applied.
   */
  catchUp(): Promise<number> {
    if (!this.running) return this.track(this.runPass());
    this.queued ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        return this.catchUp();
      });
    return this.queued;
  }

  /**
   * Starts a pass without waiting for it, when passes run on a thread of their own: the caller goes
   * on while the read models catch up. In the process itself there is nothing to gain.
   */
  keepUp(): void {
    if (this.options.thread) this.catchUp().catch(() => undefined); // a failed pass is met again by the next catchUp
  }

  /**
   * Runs `work` (an import's appends of its users' events) while a pass on the thread projects
   * what it appends, as it comes: one pass for the whole of it, so a large import's directory
   * indexes are deferred once and created once, as in a catch-up after it. The pass ends after
   * `work` (waitFor joins it). In the process itself this is `work()`: the pass would only take
   * turns with it.
   */
  async followWhile<T>(work: () => Promise<T>): Promise<T> {
    const thread = this.options.thread;
    if (!thread) return work();
    // A pass in flight (a keepUp) ends first: passes on the thread run one at a time.
    await this.idle();
    const following = thread.follow();
    this.track(following.done).catch(() => undefined); // met by the next catchUp or waitFor
    try {
      return await work();
    } finally {
      following.stop();
    }
  }

  /**
   * Like catchUp, but when the log is read to its end the pass waits for more instead of ending,
   * until `following.stopped`. The projection thread runs it for followWhile.
   */
  async follow(following: { stopped: boolean }): Promise<number> {
    await this.idle();
    return this.track(this.runCatchUp(following));
  }

  /** Resolves once the read models include every event up to `position`, with their indexes. */
  async waitFor(position: number): Promise<void> {
    // A pass on the thread may have deferred the directory's indexes: it ends with them back.
    while (this.position() < position || this.indexesDeferred || (this.options.thread && this.running)) {
      const before = this.position();
      await this.catchUp();
      if (this.position() === before && before < position) await delay(20);
    }
  }

  /**
   * Drops every read model and projects the whole log again. Returns the number of events read.
   * Throws RebuildInProgressError, changing nothing, while another rebuild of them runs; a caller
   * that holds the lock already (to look at the read models before and after) passes it.
   */
  async rebuild(held?: RebuildLock): Promise<number> {
    if (held && held.readModelFile !== this.db.name) throw new Error(`the rebuild lock given is for ${held.readModelFile}, not ${this.db.name}`);
    // Taken before anything else, so that of two rebuilds called at once the second throws.
    const lock = held ?? lockRebuild(this.db);
    try {
      // No pass may apply a batch it read before the reset.
      await this.idle();
      // Callers of catchUp and waitFor meanwhile wait for the whole rebuild, indexes included.
      return await this.track(this.runRebuild());
    } finally {
      if (!held) lock.release();
    }
  }

  /** Follows the log by polling, so events appended by other processes are projected too. */
  startLive(pollIntervalMs = 100): void {
    if (this.live) return;
    const live = { timer: undefined as unknown as NodeJS.Timeout, stopped: false };
    const tick = (): void => {
      this.catchUp()
        .catch(() => undefined) // a failed pass is retried at the next tick
        .finally(() => {
          if (!live.stopped) live.timer = setTimeout(tick, pollIntervalMs);
        });
    };
    live.timer = setTimeout(tick, 0);
    this.live = live;
  }

  async stop(): Promise<void> {
    if (this.live) {
      this.live.stopped = true;
      clearTimeout(this.live.timer);
      this.live = undefined;
    }
    await this.idle();
    await this.options.thread?.close();
  }

  /** Makes `pass` the pass in flight until it settles. */
  private track(pass: Promise<number>): Promise<number> {
    this.running = pass.finally(() => (this.running = undefined));
    return this.running;
  }

  /** Resolves once no pass is in flight, including passes that start while it waits. */
  private async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  /**
   * Empties every read model, drops its query indexes and moves its checkpoint to 0, in one
   * transaction: the first step of a rebuild (on the projection thread when there is one).
   */
  resetForRebuild(): void {
    this.db.transaction(() => {
      // Filled from scratch, the tables are faster to index once at the end than row by row.
      dropSecondaryIndexes(this.db);
      for (const projection of this.projections) {
        projection.reset();
        this.setCheckpoint(projection, 0);
      }
    })();
    // Emptying a table reads every page of it: the cache now holds the old read models (about 60 MB
    // more at the peak of a 1M rebuild when the two files had a cache each), none of it read again.
    this.db.pragma('shrink_memory');
  }

  /** On threads when there is one (the process, the admin API, only waits), else here. */
  private async runRebuild(): Promise<number> {
    try {
      const thread = this.options.thread;
      const split = thread ? await this.rebuildOnThreads(thread) : (this.resetForRebuild(), 0);
      // What the halves left (all of it, without a thread), and what was appended meanwhile.
      return split + (await this.runCatchUp());
    } finally {
      createSecondaryIndexes(this.db);
    }
  }

  /**
   * The thread empties the read models; then the two halves run at once, on the two cores, each
   * into its own file (one writer for each) and up to the head it finds: the thread the directory,
   * creating its indexes at its end, and the process the other read models, whose index a second
   * thread creates. Emptying and indexing hold a connection for seconds at 1M rows, so neither runs
   * in the process (the admin API); the report's rows do, a batch at a time. Returns the events
   * both halves applied.
   */
  private async rebuildOnThreads(thread: ProjectionThread): Promise<number> {
    try {
      await thread.resetForRebuild();
    } catch {
      // The thread has stopped (its failure then fails every pass on it): the rebuild, the repair
      // left, runs wholly here, as without a thread (the catch-up after this).
      this.resetForRebuild();
      return 0;
    }
    const others = this.projections.filter((projection) => projection.name !== DIRECTORY_PROJECTION);
    const here = new ProjectionRunner(this.store, this.db, others, { batchWeight: this.options.batchWeight, manageIndexes: false });
    // Both halves settle before anything else happens, even when one fails.
    const [own, directory] = await Promise.allSettled([
      here.catchUp().then(async (applied) => {
        // Should that thread fail, the end of the rebuild creates the index here (runRebuild).
        await thread.createReportIndexesBeside().catch(() => undefined);
        return applied;
      }),
      thread.rebuildDirectory(),
    ]);
    if (own.status === 'rejected') throw own.reason;
    // Only time is lost when the directory's half fails: the catch-up after this carries on here
    // from the directory's checkpoint (each of the thread's batches committed with it), and meets
    // again any fault of the log itself.
    return own.value + (directory.status === 'fulfilled' ? directory.value : 0);
  }

  /** A catch-up pass: on the thread when there is one and work for it, else here. */
  private async runPass(): Promise<number> {
    if (!this.options.thread) return this.runCatchUp();
    return (await this.upToDate()) ? 0 : this.options.thread.catchUp();
  }

  /** One pass over the log from the checkpoints, here; while `following` is not stopped, it waits at the end for more. */
  private async runCatchUp(following?: { stopped: boolean }): Promise<number> {
    let applied = 0;
    const prefixes = [...new Set(this.projections.flatMap((p) => p.streamPrefixes))];
    // Counted once a pass (a full scan of an index), however often the backlog is weighed against it.
    let size: number | undefined;
    const directoryRows = (): number => (size ??= directorySize(this.db));
    const batchWeight = this.options.batchWeight ?? BATCH_WEIGHT;
    try {
      for (;;) {
        // Looked at before the read: a stop that comes during it still gets a read that starts after it.
        const last = !following || following.stopped;
        // Read before the log: every event up to it is visible to the reads below, so once they find
        // nothing more the checkpoints can move to it even if the last events were for other streams.
        const head = await this.store.headPosition();
        const before = applied;
        applied += await this.applyLog(prefixes, batchWeight, (appliedHere) => this.deferIndexesIfWorthIt(before + appliedHere, directoryRows));
        await whenNotBusy(() => this.advanceTo(head));
        if (last) return applied;
        await delay(FOLLOW_POLL_MS);
      }
    } finally {
      this.restoreIndexes();
    }
  }

  /**
   * Applies the log from the checkpoints to its end, in batches; returns how many events. One read
   * for all of it: read anew for every batch, the log was decoded a page at a time and the rest of
   * the page after a full batch thrown away (with row-result events a page held two and a half
   * batches, so each was decoded about twice and a half).
   */
  private async applyLog(prefixes: string[], batchWeight: number, beforeBatch: (appliedHere: number) => void): Promise<number> {
    let applied = 0;
    const log = this.store.readAll({ fromPosition: this.position(), filter: { streamPrefixes: prefixes } })[Symbol.asyncIterator]();
    try {
      for (;;) {
        const batch = await nextBatch(log, batchWeight);
        if (batch.length === 0) return applied;
        beforeBatch(applied);
        await whenNotBusy(() => this.applyBatch(batch));
        applied += batch.length;
      }
    } finally {
      await log.return?.();
    }
  }

  private deferIndexesIfWorthIt(appliedInPass: number, directoryRows: () => number): void {
    if (this.options.manageIndexes === false) return;
    if (this.indexesDeferred || !this.worthDeferringIndexes(appliedInPass, directoryRows)) return;
    this.db.transaction(() => dropDirectoryIndexes(this.db))();
    this.indexesDeferred = true;
  }

  /** Nothing for a pass to do: every event projected, every index there (a read command needs no thread). */
  private async upToDate(): Promise<boolean> {
    return this.position() >= (await this.store.headPosition()) && missingSecondaryIndexes(this.db).length === 0;
  }

  /** See DEFER_INDEXES_AFTER_EVENTS: the pass is a bulk load, the directory small beside it. */
  private worthDeferringIndexes(appliedInPass: number, directoryRows: () => number): boolean {
    if (appliedInPass < (this.options.deferIndexesAfterEvents ?? DEFER_INDEXES_AFTER_EVENTS)) return false;
    return directoryRows() <= appliedInPass * DEFER_INDEXES_MAX_USERS_PER_EVENT;
  }

  /**
   * Every pass ends with every index there: the ones it deferred, and any that a process stopped
   * mid-pass left dropped (another process sharing the database may be the one that dropped them;
   * creating them back only costs it its head start).
   */
  private restoreIndexes(): void {
    if (this.options.manageIndexes === false) return;
    if (this.indexesDeferred || missingSecondaryIndexes(this.db).length > 0) createSecondaryIndexes(this.db);
    this.indexesDeferred = false;
  }

  private advanceTo(position: number): void {
    this.db.transaction(() => {
      for (const projection of this.projections) {
        if (this.checkpoint(projection) < position) this.setCheckpoint(projection, position);
      }
    })();
  }

  private applyBatch(batch: RecordedEvent[]): void {
    const last = batch[batch.length - 1].position;
    this.db.transaction(() => {
      for (const projection of this.projections) {
        const checkpoint = this.checkpoint(projection);
        for (const event of batch) {
          if (event.position > checkpoint && projection.streamPrefixes.some((p) => event.streamId.startsWith(p))) {
            projection.apply(event);
          }
        }
        if (last > checkpoint) this.setCheckpoint(projection, last);
      }
    })();
  }
}

/**
 * How long a transaction of the runner is tried again while another process keeps the read models
 * busy. Not IMMEDIATE transactions instead: those lock every attached file, so the two halves of a
 * rebuild, each writing a file of its own, would wait for each other (the bench's 100k rebuild
 * took 3.8–4.5 s instead of 2.7–3.0).
 */
const BUSY_RETRY_MS = 50;
const BUSY_GIVE_UP_MS = 60_000;

/**
 * Runs a transaction, again while SQLite answers SQLITE_BUSY: another process (a CLI import beside
 * the server) wrote the file after this one's transaction had read it, or held it past the busy
 * timeout. The transaction was rolled back, so running it again applies nothing twice.
 */
async function whenNotBusy(transaction: () => void): Promise<void> {
  for (let waited = 0; ; waited += BUSY_RETRY_MS) {
    try {
      return transaction();
    } catch (error) {
      if (!String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY') || waited >= BUSY_GIVE_UP_MS) throw error;
    }
    await delay(BUSY_RETRY_MS);
  }
}

/** The next events of the log, up to `maxWeight` of work (see BATCH_WEIGHT); none once the log is read. */
async function nextBatch(log: AsyncIterator<RecordedEvent>, maxWeight: number): Promise<RecordedEvent[]> {
  const batch: RecordedEvent[] = [];
  let weight = 0;
  while (weight < maxWeight) {
    const next = await log.next();
    if (next.done) break;
    batch.push(next.value);
    weight += weightOf(next.value);
  }
  return batch;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
