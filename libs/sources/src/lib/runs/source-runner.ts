import { Inject, Injectable, Logger, NotFoundException, type BeforeApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { deterministicId, EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { InvalidImportOptionsError, RequestImportService } from '@dirsync/extraction';
import { ImportLog } from '@dirsync/import-log';
import { isSettled, type ImportOptions, type ImportState } from '@dirsync/domain';
import { SecretBox, SecretDecryptionError } from '@dirsync/secrets';
import { describeEndpoint, type FtpEndpoint } from '../ftp/endpoint';
import { FtpStepError } from '../ftp/ftp-connect';
import { passwordAad, settingsWarnings, type FetchedFile, type RunRecord, type RunTrigger, type SourceRunFinished, type SourceRunImportRequested, type SourceState } from '../model/source';
import { SourceRepository } from '../model/source-repository';
import { SOURCES_OPTIONS, type ResolvedSourcesOptions } from '../sources.options';
import { fetchFile } from './fetch-file';

export interface StartedRun {
  run: RunRecord;
  /** True when a run of the source was already going: that run is returned, no second one starts. */
  joined: boolean;
  /** Resolves with the finished run. */
  done: Promise<RunRecord>;
}

type Finish = Omit<SourceRunFinished, 'sourceId' | 'runId' | 'finishedAt'>;

/** The endpoint of a saved source, with its password opened (in memory only). */
export function endpointOf(state: SourceState, secrets: SecretBox): FtpEndpoint {
  const { host, port, tls, user, sealedPassword, remotePath, caCertificate } = state.settings;
  return { host, port, tls, user, remotePath, caCertificate, password: sealedPassword ? secrets.open(sealedPassword, passwordAad(state.id)) : '' };
}

/**
 * Runs sources: fetch the file safely, skip it when it is the file of the last completed import,
 * else hand it to the pipeline and wait for the import's end. One run per source at a time in
 * this process (a trigger during a run joins it); every run reconnects.
 */
@Injectable()
export class SourceRunner implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('SourceRunner');
  private readonly running = new Map<string, { run: RunRecord; done: Promise<RunRecord> }>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private readonly stopping = new AbortController();
  private readonly imports: ImportLog;
  private readonly downloadDir: string;

  constructor(
    private readonly sources: SourceRepository,
    private readonly secrets: SecretBox,
    private readonly requestImport: RequestImportService,
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(SOURCES_OPTIONS) private readonly options: ResolvedSourcesOptions,
  ) {
    this.imports = new ImportLog(store);
    this.downloadDir = join(options.dataDir, 'sources', 'downloads');
  }

  /**
   * Cleans up after a process that stopped during runs: their downloads (plain copies of the files)
   * are removed and their runs recorded as failed. Only in the process that runs the schedules,
   * the one process per data dir that runs sources; before it starts any run of its own.
   */
  async onModuleInit(): Promise<void> {
    if (!this.options.schedules) return;
    await this.removeLeftoverDownloads();
    await this.finishInterruptedRuns();
  }

  private async removeLeftoverDownloads(): Promise<void> {
    const ours = new Set([...this.running.values()].flatMap(({ run }) => [run.runId, `${run.runId}.part`]));
    const names = await readdir(this.downloadDir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    });
    const leftovers = names.filter((name) => !ours.has(name));
    await Promise.all(leftovers.map((name) => rm(join(this.downloadDir, name), { recursive: true, force: true })));
    if (leftovers.length > 0) this.logger.warn(`removed ${leftovers.length} download(s) left by a process that stopped during a run`);
  }

  private async finishInterruptedRuns(): Promise<void> {
    // Removed sources too: their streams are the audit of what their runs did.
    for (const state of await this.sources.list({ removed: true })) {
      const ours = this.running.get(state.id)?.run.runId;
      for (const run of state.runs.filter(({ status, runId }) => status === 'running' && runId !== ours)) {
        const { importId, file, importOptions } = run;
        const reason = `interrupted: the process stopped during the run${importId ? `; its import ${importId} goes on in the pipeline` : ''}`;
        await this.recordFinish(state.id, run.runId, { outcome: 'failed', importId, file, importOptions, reason });
      }
    }
  }

  /** The run in progress for the source, if any. */
  current(sourceId: string): RunRecord | undefined {
    return this.running.get(sourceId)?.run;
  }

  async start(sourceId: string, trigger: RunTrigger): Promise<StartedRun> {
    const loaded = await this.sources.load(sourceId);
    if (!loaded || loaded.state.removed) throw new NotFoundException(`no source with id ${sourceId}`);
    if (this.stopping.signal.aborted) throw new Error('the service is stopping');
    // Check and claim in one synchronous step: no await between them, so two triggers cannot both start.
    const existing = this.running.get(sourceId);
    if (existing) return { ...existing, joined: true };
    const run: RunRecord = { runId: randomUUID(), trigger, startedAt: new Date().toISOString(), status: 'running' };
    let settle!: (run: RunRecord) => void;
    const done = new Promise<RunRecord>((resolve) => (settle = resolve));
    this.running.set(sourceId, { run, done });
    this.cancelRetry(sourceId);
    try {
      await this.sources.append(sourceId, [
        { id: deterministicId('source-run', run.runId, 'started'), type: 'SourceRunStarted', data: { sourceId, runId: run.runId, trigger, startedAt: run.startedAt } },
      ]);
    } catch (error) {
      this.running.delete(sourceId);
      settle({ ...run, status: 'finished', outcome: 'failed', reason: `could not record the run: ${(error as Error).message}` });
      throw error;
    }
    void this.execute(loaded.state, run).then((finished) => {
      this.running.delete(sourceId);
      settle(finished);
      // Once per triggering run: a retry that finds the file still changing waits for the next schedule.
      if (finished.outcome === 'retry-later' && trigger !== 'retry') this.scheduleRetry(sourceId);
    });
    return { run, joined: false, done };
  }

  private async execute(state: SourceState, run: RunRecord): Promise<RunRecord> {
    let finish: Finish;
    try {
      finish = await this.fetchAndImport(state, run);
    } catch (error) {
      finish = { outcome: 'failed', reason: failureReason(error) };
    }
    const { sourceId: _sourceId, ...record } = await this.recordFinish(state.id, run.runId, finish);
    return { ...run, ...record, status: 'finished' };
  }

  /** Names the run's import before waiting for it; a failure to record is logged, not thrown (the import goes on). */
  private async recordImportRequested(sourceId: string, run: RunRecord, requested: Omit<SourceRunImportRequested, 'sourceId' | 'runId'>): Promise<void> {
    const { runId } = run;
    Object.assign(run, requested); // the run in progress (current) shows it too
    try {
      await this.sources.append(sourceId, [{ id: deterministicId('source-run', runId, 'import-requested'), type: 'SourceRunImportRequested', data: { sourceId, runId, ...requested } }]);
    } catch (error) {
      this.logger.error(`source ${sourceId}: could not record that run ${runId} requested import ${requested.importId}: ${(error as Error).message}`);
    }
  }

  /** Records and logs the end of a run; a failure to record is logged, not thrown. */
  private async recordFinish(sourceId: string, runId: string, finish: Finish): Promise<SourceRunFinished> {
    const finished: SourceRunFinished = { sourceId, runId, ...finish, finishedAt: new Date().toISOString() };
    try {
      await this.sources.append(sourceId, [{ id: deterministicId('source-run', runId, 'finished'), type: 'SourceRunFinished', data: finished }]);
    } catch (error) {
      this.logger.error(`source ${sourceId}: could not record the end of run ${runId}: ${(error as Error).message}`);
    }
    const level = finish.outcome === 'failed' || finish.outcome === 'awaiting-approval' ? 'warn' : 'log';
    this.logger[level](`source ${sourceId} run ${runId}: ${finish.outcome}${finish.reason ? ` (${finish.reason})` : ''}`);
    return finished;
  }

  private async fetchAndImport(state: SourceState, run: RunRecord): Promise<Finish> {
    const endpoint = endpointOf(state, this.secrets);
    await mkdir(this.downloadDir, { recursive: true });
    this.logger.log(`source ${state.id} run ${run.runId}: fetching ${describeEndpoint(endpoint)}`);
    for (const warning of settingsWarnings(state.settings)) this.logger.warn(`source ${state.id}: ${warning}`);
    const fetched = await fetchFile(endpoint, this.downloadDir, run.runId, { timeoutMs: this.options.ftpTimeoutMs, settleMs: this.options.settleMs }, this.stopping.signal);
    if (fetched.kind === 'changing') return { outcome: 'retry-later', reason: fetched.reason };
    try {
      const { file } = fetched;
      const { importOptions } = state.settings;
      const last = state.lastImported;
      // Options recorded by an earlier version are unknown: the file is imported again.
      if (last?.sha256 === file.sha256 && sameOptions(last.importOptions, importOptions)) {
        return { outcome: 'unchanged', file, reason: `same content (sha256 ${file.sha256}) and import options as the last completed import ${last.importId}: not imported again` };
      }
      const earlier = await this.earlierImportOfSameFile(state, file, importOptions);
      const importId =
        earlier ??
        (await this.requestImport.request({
          filePath: fetched.path,
          fileName: posix.basename(endpoint.remotePath),
          options: importOptions,
          source: { kind: 'ftp', sourceId: state.id },
          requestedBy: `source:${state.id} (${run.trigger})`,
        }));
      // At once: a process stopped from here on leaves a run that names its import.
      await this.recordImportRequested(state.id, run, { importId, file, importOptions });
      await rm(fetched.path, { force: true }); // the blob store holds its own copy now
      const finish = { ...finishOf(importId, await this.waitForImport(importId), this.options.importTimeoutMs), file, importOptions };
      if (!earlier || finish.outcome === 'unchanged') return finish;
      return { ...finish, reason: `${finish.reason ?? `import ${importId} was applied`} (an earlier run requested it for the same file and import options: not requested again)` };
    } finally {
      await rm(fetched.path, { force: true });
    }
  }

  /**
   * The import an earlier run of the source requested for this same file and import options, when
   * it is still to be decided on or applied, or an administrator decided on it since: a scheduled
   * run must not pile a new import on it each time. Only the newest run that named an import counts;
   * a failed import, or a dry run, is requested again.
   */
  private async earlierImportOfSameFile(state: SourceState, file: FetchedFile, importOptions: Partial<ImportOptions>): Promise<string | undefined> {
    const newest = state.runs.findLast((earlier) => earlier.importId !== undefined);
    if (!newest?.importId || newest.file?.sha256 !== file.sha256 || !sameOptions(newest.importOptions, importOptions)) return undefined;
    const current = (await this.imports.read(newest.importId))?.state;
    if (!current || current.status === 'failed' || current.completed?.dryRun) return undefined;
    return newest.importId;
  }

  /** The finished import, or undefined on timeout or shutdown (the import itself goes on in the pipeline). */
  private async waitForImport(importId: string): Promise<ImportState | undefined> {
    // ImportLog.waitUntilSettled polls until the end with no way out; a run must give up on
    // shutdown and after its timeout, so it polls ImportLog.read itself.
    const deadline = Date.now() + this.options.importTimeoutMs;
    while (!this.stopping.signal.aborted && Date.now() < deadline) {
      const current = await this.imports.read(importId);
      if (current && isSettled(current.state)) return current.state;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return undefined;
  }

  private scheduleRetry(sourceId: string): void {
    if (this.options.retryDelayMs <= 0 || this.stopping.signal.aborted) return;
    this.cancelRetry(sourceId);
    const timer = setTimeout(() => {
      this.retries.delete(sourceId);
      this.retry(sourceId).catch((error) => this.logger.warn(`source ${sourceId}: retry not started: ${(error as Error).message}`));
    }, this.options.retryDelayMs);
    timer.unref();
    this.retries.set(sourceId, timer);
  }

  /** The automatic retry, unless the source was disabled or removed while it waited. */
  private async retry(sourceId: string): Promise<void> {
    const state = (await this.sources.load(sourceId))?.state;
    if (!state || state.removed || !state.settings.enabled) {
      this.logger.log(`source ${sourceId}: retry dropped, the source was ${state?.settings.enabled === false ? 'disabled' : 'removed'} meanwhile`);
      return;
    }
    await this.start(sourceId, 'retry');
  }

  private cancelRetry(sourceId: string): void {
    clearTimeout(this.retries.get(sourceId));
    this.retries.delete(sourceId);
  }

  /** Stops runs before the stores close: connections are closed, waits end; each run records its end. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    for (const sourceId of [...this.retries.keys()]) this.cancelRetry(sourceId);
    // Aborted runs end quickly; a stuck one must not hold the process (the import itself is safe to resume).
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), SHUTDOWN_WAIT_MS)));
    const finished = await Promise.race([Promise.all([...this.running.values()].map(({ done }) => done)), bound]);
    clearTimeout(timer);
    if (finished === 'timeout') this.logger.warn(`stopping with runs still open after ${SHUTDOWN_WAIT_MS / 1000} s: ${[...this.running.keys()].join(', ')}`);
  }
}

const SHUTDOWN_WAIT_MS = 10_000;

/** Options recorded by an earlier version (none) never match. */
const sameOptions = (recorded: Partial<ImportOptions> | undefined, current: Partial<ImportOptions>): boolean =>
  recorded !== undefined && isDeepStrictEqual(recorded, current);

/** A run's outcome from its import's state, or from its absence (still running at the timeout, or the service stopping). */
function finishOf(importId: string, result: ImportState | undefined, timeoutMs: number): Omit<Finish, 'file' | 'importOptions'> {
  if (!result) return { outcome: 'failed', importId, reason: `the import did not finish within ${timeoutMs / 60_000} min (or the service stopped); see import ${importId}` };
  if (result.status === 'failed') return { outcome: 'failed', importId, reason: `the import failed in ${result.failed?.stage}: ${result.failed?.reason}` };
  if (result.status === 'awaiting-approval') {
    const why = result.awaiting?.reasons.join('; ');
    return { outcome: 'awaiting-approval', importId, reason: `import ${importId} awaits an administrator's approval (${why}): approve or reject it; it is applied only once approved` };
  }
  // Not requested again while the file and options stay the same: the run after this one finds it.
  const notAgain = 'the same file with the same import options is not requested again (a changed file or changed options are)';
  if (result.status === 'rejected') return { outcome: 'unchanged', importId, reason: `an administrator rejected import ${importId}, so nothing was applied; ${notAgain}` };
  if (result.reverted) return { outcome: 'unchanged', importId, reason: `import ${importId} was applied, then reverted (revert ${result.reverted.revertId}); ${notAgain}` };
  return { outcome: 'imported', importId, counts: result.completed?.counts, dryRun: result.completed?.dryRun ?? false };
}

function failureReason(error: unknown): string {
  if (error instanceof FtpStepError) return `${error.step}: ${error.message}`;
  if (error instanceof SecretDecryptionError) return `the stored password cannot be opened (${error.message}): set the password of this source again`;
  if (error instanceof InvalidImportOptionsError) return `the source's import options are invalid: ${error.problems.join('; ')}`;
  return error instanceof Error ? error.message : String(error);
}
