import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { SourceState } from '../model/source';
import { SourceRepository } from '../model/source-repository';
import { SOURCES_OPTIONS, type ResolvedSourcesOptions } from '../sources.options';
import { cronVerdict } from './cron-schedule';
import { SourceRunner } from './source-runner';

const jobName = (sourceId: string): string => `source:${sourceId}`;

/**
 * Cron jobs of the sources, in @nestjs/schedule's registry. They are (re)registered whenever a
 * source is created, changed or removed, so a new schedule applies without a restart.
 */
@Injectable()
export class SourceScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SourceScheduler');
  private readonly names = new Set<string>();

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly sources: SourceRepository,
    private readonly runner: SourceRunner,
    @Inject(SOURCES_OPTIONS) private readonly options: ResolvedSourcesOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const state of await this.sources.list()) this.apply(state.id, state);
  }

  /** Registers the source's job as its state says; no state (removed): no job. */
  apply(sourceId: string, state: SourceState | undefined): void {
    if (!this.options.schedules) return;
    const name = jobName(sourceId);
    if (this.names.has(name)) {
      void this.registry.getCronJob(name).stop();
      this.registry.deleteCronJob(name);
      this.names.delete(name);
    }
    if (!state || state.removed || !state.settings.enabled || !state.settings.schedule) return;
    // The API refuses such schedules; one saved by an earlier version must not stop startup or listing.
    const verdict = cronVerdict(state.settings.schedule);
    if (!verdict.ok) {
      this.logger.warn(`source ${sourceId}: schedule "${state.settings.schedule}" ${verdict.problem === 'malformed' ? 'is not a cron expression' : 'never fires'}; not scheduled: set a valid schedule`);
      return;
    }
    const job = CronJob.from({ cronTime: state.settings.schedule, onTick: () => this.tick(sourceId), start: false });
    this.registry.addCronJob(name, job);
    this.names.add(name);
    job.start();
  }

  /** When the source's schedule fires next (ISO), or null when it has none in this process. */
  nextRunAt(sourceId: string): string | null {
    const name = jobName(sourceId);
    if (!this.names.has(name)) return null;
    try {
      return this.registry.getCronJob(name).nextDate().toUTC().toISO();
    } catch {
      return null; // no date left: the job will not fire again
    }
  }

  private tick(sourceId: string): void {
    this.runner
      .start(sourceId, 'schedule')
      .then(({ joined, run }) => {
        if (joined) this.logger.log(`source ${sourceId}: schedule fired while run ${run.runId} is still going; not started twice`);
      })
      .catch((error) => this.logger.warn(`source ${sourceId}: scheduled run not started: ${(error as Error).message}`));
  }

  onModuleDestroy(): void {
    for (const name of this.names) {
      void this.registry.getCronJob(name).stop();
      this.registry.deleteCronJob(name);
    }
    this.names.clear();
  }
}
