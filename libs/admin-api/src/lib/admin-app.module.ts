import { ValidationPipe, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { join } from 'node:path';
import { PipelineModule, type PipelineOptions } from '@dirsync/pipeline';
import { SourcesModule } from '@dirsync/sources';
import { AdminApiModule } from './admin-api.module';

const MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/** An HTTP process: the admin API and the FTP sources (with their schedules) over the pipeline, running the stages `options.stages` names. */
@Module({})
export class AdminAppModule {
  static forRoot(options: PipelineOptions): DynamicModule {
    return {
      module: AdminAppModule,
      imports: [
        PipelineModule.forRoot(options),
        AdminApiModule.forRoot({
          uploadDir: join(options.settings.dataDir, 'uploads'),
          maxUploadBytes: MAX_UPLOAD_BYTES,
          adminToken: process.env.ETL_ADMIN_TOKEN || undefined,
        }),
        SourcesModule.forRoot({ dataDir: options.settings.dataDir, env: process.env }),
      ],
    };
  }
}

/** Settings every HTTP app and its tests share: the /api prefix and input validation. */
export function configureAdminApi(app: INestApplication): INestApplication {
  app.setGlobalPrefix('api');
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableShutdownHooks();
  return app;
}
