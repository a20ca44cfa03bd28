import { BadRequestException, ValidationPipe, Module, type DynamicModule, type INestApplication, type ValidationError } from '@nestjs/common';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { PIPELINE_OPTIONS, PipelineModule, type PipelineOptions } from '@dirsync/pipeline';
import { SourcesModule } from '@dirsync/sources';
import { AdminApiModule } from './admin-api.module';
import { ProblemDetailsFilter, type ProblemItem } from './errors/problem-details.filter';
import { MetricsService } from './observability/metrics.service';
import { requestContextMiddleware } from './observability/request-context';
import { setupOpenApi } from './openapi/openapi';

/** An HTTP process: the admin API and the FTP sources (with their schedules) over the pipeline, running the stages `options.stages` names. */
@Module({})
export class AdminAppModule {
  static forRoot(options: PipelineOptions): DynamicModule {
    const { dataDir, api } = options.settings;
    return {
      module: AdminAppModule,
      imports: [
        PipelineModule.forRoot(options),
        AdminApiModule.forRoot({
          uploadDir: join(dataDir, 'uploads'),
          scratchDir: join(dataDir, 'tmp'),
          maxUploadBytes: api.maxUploadBytes,
          adminToken: api.adminToken,
          limits: api,
        }),
        SourcesModule.forRoot({ dataDir, env: process.env }),
      ],
    };
  }
}

/** ValidationPipe's errors, one item per constraint, with the dotted path of the field. */
export function validationProblems(errors: ValidationError[], parent = ''): ProblemItem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((detail) => ({ field, detail }));
    return [...own, ...validationProblems(error.children ?? [], field)];
  });
}

/**
 * Settings every HTTP app and its tests share: request ids and access logs, the /api prefix,
 * input validation, problem+json errors, the OpenAPI document, and the server's timeouts.
 */
export function configureAdminApi(app: INestApplication): INestApplication {
  const { api } = app.get<PipelineOptions>(PIPELINE_OPTIONS).settings;
  app.use(requestContextMiddleware(app.get(MetricsService)));
  const express = app.getHttpAdapter().getInstance();
  express.disable('x-powered-by');
  if (api.trustProxy !== false) express.set('trust proxy', api.trustProxy);
  app.setGlobalPrefix('api');
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      exceptionFactory: (errors) => {
        const problems = validationProblems(errors);
        return new BadRequestException({ message: problems.map((p) => p.detail).join('; '), errors: problems });
      },
    }),
  );
  app.useGlobalFilters(new ProblemDetailsFilter());
  setupOpenApi(app);
  const server = app.getHttpServer() as Server;
  // Receiving a whole request (an upload too) and its headers; slow clients are cut off after these.
  server.requestTimeout = api.httpRequestTimeoutMs;
  server.headersTimeout = api.httpHeadersTimeoutMs;
  app.enableShutdownHooks();
  return app;
}
