import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { STAGE_TURNS, StageWorker, type StageTurns } from '@dirsync/import-log';
import { LoadingService } from '@dirsync/loading';
import { TransformImportService } from '@dirsync/transformation';
import { PIPELINE_OPTIONS, type PipelineOptions } from './pipeline.options';

/** Starts the stages this process runs as consumers of the log, and stops them before the stores close. */
@Injectable()
export class PipelineWorkers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly workers: StageWorker[] = [];

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PIPELINE_OPTIONS) private readonly options: PipelineOptions,
    private readonly transformation: TransformImportService,
    private readonly loading: LoadingService,
    @Inject(STAGE_TURNS) private readonly turns: StageTurns,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { stages } = this.options;
    if (stages.transformation) {
      this.workers.push(new StageWorker(this.store, 'transformation', ['ImportRequested'], (id) => this.transformation.transform(id), this.turns));
    }
    if (stages.loading) {
      this.workers.push(new StageWorker(this.store, 'loading', ['ImportTransformed', 'ImportApproved'], (id) => this.loading.load(id), this.turns));
    }
    await Promise.all(this.workers.map((worker) => worker.start()));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }
}
