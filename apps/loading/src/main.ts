import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { loadSettings, PipelineModule } from '@dirsync/pipeline';

/** The loading stage on its own: plans and applies transformed imports, and keeps the read models current. */
async function bootstrap(): Promise<void> {
  const settings = loadSettings();
  const app = await NestFactory.createApplicationContext(PipelineModule.forRoot({ settings, stages: { transformation: false, loading: true, projections: true } }));
  app.enableShutdownHooks();
}

void bootstrap();
