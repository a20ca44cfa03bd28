import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AdminAppModule, configureAdminApi } from '@dirsync/admin-api';
import { loadSettings } from '@dirsync/pipeline';

/** One process: every stage, the projections and the admin API. */
async function bootstrap(): Promise<void> {
  const settings = loadSettings();
  const app = await NestFactory.create(AdminAppModule.forRoot({ settings, stages: { transformation: true, loading: true, projections: true } }));
  await configureAdminApi(app).listen(settings.port);
}

void bootstrap();
