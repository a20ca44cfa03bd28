import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AdminAppModule, configureAdminApi, JsonLogger } from '@dirsync/admin-api';
import { InvalidSettingsError, loadSettings, type Settings } from '@dirsync/pipeline';

/** One process: every stage, the projections and the admin API. Logs are JSON lines on stdout. */
async function bootstrap(): Promise<void> {
  let settings: Settings;
  try {
    settings = loadSettings(); // every variable, validated once: a bad one stops startup here
  } catch (error) {
    if (!(error instanceof InvalidSettingsError)) throw error;
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'fatal', msg: error.message, context: 'Settings' })}\n`);
    process.exit(1);
  }
  const logger = new JsonLogger({ level: settings.api.logLevel });
  const app = await NestFactory.create(AdminAppModule.forRoot({ settings, stages: { transformation: true, loading: true, projections: true } }), {
    logger,
    bufferLogs: true,
  });
  await configureAdminApi(app).listen(settings.port);
  logger.log({ msg: `admin API on port ${settings.port} (docs at /api/docs)`, port: settings.port }, 'Bootstrap');
}

void bootstrap();
