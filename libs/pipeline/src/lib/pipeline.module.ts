import { Module, type DynamicModule } from '@nestjs/common';
import { join } from 'node:path';
import { BlobStoreModule } from '@dirsync/blob-store';
import { EVENT_STORE, EventStoreModule, type EventStoreOptions } from '@dirsync/event-store';
import { ExtractionModule } from '@dirsync/extraction';
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
