import { ValidationPipe, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { join } from 'node:path';
import { PipelineModule, type PipelineOptions } from '@dirsync/pipeline';
import { SourcesModule } from '@dirsync/sources';
import { AdminApiModule } from './admin-api.module';
import { ProblemDetailsFilter } from './errors/problem-details.filter';

const DEFAULT_MAX_UPLOAD_BYTES = 100 * 1024 * 1024;

/** ETL_MAX_UPLOAD_BYTES, a whole number of bytes; a malformed value stops startup. */
function maxUploadBytes(env: NodeJS.ProcessEnv): number {
  const raw = env.ETL_MAX_UPLOAD_BYTES;
  if (raw === undefined || raw === '') return DEFAULT_MAX_UPLOAD_BYTES;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`ETL_MAX_UPLOAD_BYTES must be a positive whole number of bytes, got "${raw}"`);
  return value;
}

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
          maxUploadBytes: maxUploadBytes(process.env),
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
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  return app;
}
