import { Module, type DynamicModule } from '@nestjs/common';
import { join } from 'node:path';
import { BlobStoreModule } from '@dirsync/blob-store';
import { EventStoreModule } from '@dirsync/event-store';
import { ExtractionModule } from '@dirsync/extraction';
import { LoadingModule } from '@dirsync/loading';
import { ProjectionsModule } from '@dirsync/projections';
import { TransformationModule } from '@dirsync/transformation';
import { ImportRunner } from './import-runner.service';
import { PipelineWorkers } from './pipeline-workers';
import { PIPELINE_OPTIONS, type PipelineOptions } from './pipeline.options';

/**
 * Everything a process of the pipeline needs: the stores under the data dir, the stages, and the
 * workers of the stages this process runs. Every app (composed or per stage) boots through it.
 */
@Module({})
export class PipelineModule {
  static forRoot(options: PipelineOptions): DynamicModule {
    const { dataDir, defaultLanguage, guards } = options.settings;
    return {
      module: PipelineModule,
      global: true,
      imports: [
        EventStoreModule.forRoot({ kind: 'sqlite', file: join(dataDir, 'events.sqlite') }),
        BlobStoreModule.forRoot({ rootDir: join(dataDir, 'blobs') }),
        ProjectionsModule.forRoot({ file: join(dataDir, 'readmodels.sqlite'), live: options.stages.projections }),
        ExtractionModule.forRoot({ defaultLanguage }),
        TransformationModule,
        LoadingModule.forRoot({ guards }),
      ],
      providers: [{ provide: PIPELINE_OPTIONS, useValue: options }, PipelineWorkers, ImportRunner],
      exports: [PIPELINE_OPTIONS, ImportRunner, ExtractionModule, LoadingModule],
    };
  }
}
