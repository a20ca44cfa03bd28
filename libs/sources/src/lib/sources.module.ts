import { Module, type DynamicModule } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { SecretsModule } from '@dirsync/secrets';
import { SourcesController } from './api/sources.controller';
import { SourceRepository } from './model/source-repository';
import { SourceRunner } from './runs/source-runner';
import { SourceScheduler } from './runs/source-scheduler';
import { SourcesService } from './sources.service';
import { resolveSourcesOptions, SOURCES_OPTIONS, type SourcesModuleOptions } from './sources.options';

/**
 * FTP/FTPS sources: REST API, check connection, runs and their cron schedules. Needs the pipeline's
 * global providers (EVENT_STORE, BLOB_STORE, RequestImportService: import PipelineModule.forRoot
 * in the same application). The secrets key is loaded while the module starts: a malformed
 * ETL_SECRETS_KEY stops startup.
 */
@Module({})
export class SourcesModule {
  static forRoot(options: SourcesModuleOptions): DynamicModule {
    return {
      module: SourcesModule,
      imports: [SecretsModule.forRoot({ dataDir: options.dataDir, env: options.env }), ScheduleModule.forRoot()],
      controllers: [SourcesController],
      providers: [
        { provide: SOURCES_OPTIONS, useValue: resolveSourcesOptions(options) },
        SourceRepository,
        SourceRunner,
        SourceScheduler,
        SourcesService,
      ],
      exports: [SourcesService],
    };
  }
}
