import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadSettings, PipelineModule } from '@dirsync/pipeline';

/** The transformation stage on its own: parses and validates requested imports. */
async function bootstrap(): Promise<void> {
  const settings = loadSettings();
  const app = await NestFactory.createApplicationContext(PipelineModule.forRoot({ settings, stages: { transformation: true, loading: false, projections: false } }));
  app.enableShutdownHooks();
}

void bootstrap();
