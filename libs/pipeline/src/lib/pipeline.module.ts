import { Module, type DynamicModule } from '@nestjs/common';
import { join } from 'node:path';
import { BlobStoreModule } from '@dirsync/blob-store';
import { EVENT_STORE, EventStoreModule, type EventStore, type EventStoreOptions } from '@dirsync/event-store';
import { ExtractionModule } from '@dirsync/extraction';
import { FileLockTurns, LeaseTurns, SOLE_PROCESS, STAGE_TURNS, type StageTurns } from '@dirsync/import-log';
import { LoadingModule } from '@dirsync/loading';
import { directoryFileOf, ProjectionsModule, READ_MODEL_DB } from '@dirsync/projections';
import { TransformationModule } from '@dirsync/transformation';
import { limitHeapGrowth, stopPretenuring } from './garbage-collection';
import { ImportRunner } from './import-runner.service';
import { PipelineWorkers } from './pipeline-workers';
import { PIPELINE_OPTIONS, type PipelineOptions } from './pipeline.options';
import { WalCheckpoints } from './wal-checkpoints';

/** KurrentDB when KURRENTDB_CONNECTION_STRING is set (deployments beyond one machine), else the embedded SQLite store. */
export function eventStoreOptions(dataDir: string, env: NodeJS.ProcessEnv = process.env): EventStoreOptions {
  const connectionString = env.KURRENTDB_CONNECTION_STRING;
  if (!connectionString) return { kind: 'sqlite', file: join(dataDir, 'events.sqlite') };
  // A namespace prefixes every stream, so several deployments (or test runs) can share one server.
  return { kind: 'kurrentdb', connectionString, namespace: env.KURRENTDB_NAMESPACE || undefined };
}

/**
 * Every process runs its stages as competing consumers: a CLI import beside a running server, or
 * the stages as processes of their own, each see every import. On the embedded store, whose
 * processes share a machine, a lock file per stage beside the log; on KurrentDB leases in the log;
 * a store in memory is one process's alone.
 */
function stageTurns(options: EventStoreOptions, store: EventStore): StageTurns {
  if (options.kind === 'sqlite') return new FileLockTurns((stage) => `${options.file}.${stage}-lock`);
  if (options.kind === 'kurrentdb') return new LeaseTurns(store);
  return SOLE_PROCESS;
}

/**
 * Everything a process of the pipeline needs: the stores under the data dir, the stages, and the
 * workers of the stages this process runs. Every app (composed or per stage) boots through it.
 */
@Module({})
export class PipelineModule {
  static forRoot(options: PipelineOptions): DynamicModule {
    const { dataDir, defaultLanguage, guards, heapGrowthPercent } = options.settings;
    // Every process of the pipeline boots through here: one place for its memory settings.
    limitHeapGrowth(heapGrowthPercent);
    stopPretenuring();
    const store = eventStoreOptions(dataDir);
    const readModelFile = join(dataDir, 'readmodels.sqlite');
    return {
      module: PipelineModule,
      global: true,
      imports: [
        EventStoreModule.forRoot(store),
        BlobStoreModule.forRoot({ rootDir: join(dataDir, 'blobs') }),
        ProjectionsModule.forRoot({
          file: readModelFile,
          live: options.stages.projections,
          threadWithLog: store.kind === 'sqlite' ? store.file : undefined,
        }),
        ExtractionModule.forRoot({ defaultLanguage }),
        TransformationModule,
        LoadingModule.forRoot({ guards }),
      ],
      providers: [
        { provide: PIPELINE_OPTIONS, useValue: options },
        { provide: STAGE_TURNS, inject: [EVENT_STORE], useFactory: (eventStore: EventStore) => stageTurns(store, eventStore) },
        PipelineWorkers,
        ImportRunner,
        {
          provide: WalCheckpoints,
          // The stores are injected only to be opened first: the thread opens the files they create.
          inject: [EVENT_STORE, READ_MODEL_DB],
          useFactory: () => {
            const readModelFiles = [readModelFile, directoryFileOf(readModelFile)];
            return new WalCheckpoints(store.kind === 'sqlite' ? [store.file, ...readModelFiles] : readModelFiles);
          },
        },
      ],
      exports: [PIPELINE_OPTIONS, ImportRunner, ExtractionModule, LoadingModule],
    };
  }
}
