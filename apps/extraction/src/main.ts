import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AdminAppModule, configureAdminApi, JsonLogger } from '@dirsync/admin-api';
import { loadSettings } from '@dirsync/pipeline';

/** The extraction stage on its own: receives files over the admin API and requests imports; other processes run the later stages. */
async function bootstrap(): Promise<void> {
  const settings = loadSettings(); // every variable, validated once: a bad one stops startup
  const app = await NestFactory.create(AdminAppModule.forRoot({ settings, stages: { transformation: false, loading: false, projections: false } }), {
    logger: new JsonLogger({ level: settings.api.logLevel }),
    bufferLogs: true,
  });
  await configureAdminApi(app).listen(settings.port);
}

void bootstrap();
