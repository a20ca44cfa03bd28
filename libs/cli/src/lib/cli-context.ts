import { ConsoleLogger, type INestApplicationContext, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadSettings, PipelineModule } from '@dirsync/pipeline';

/** Logs go to stderr, so stdout carries only the command's result (e.g. --json). */
class StderrLogger extends ConsoleLogger {
  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel): void {
    super.printMessages(messages, context, logLevel, 'stderr');
  }
}

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * `etl users | head`: once the reader closes the pipe, stop quietly, as other command-line tools
 * do, instead of dying on an unhandled EPIPE. Only for the process's own stdout.
 */
export function exitQuietlyWhenStdoutCloses(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}

/** Boots the pipeline for one command; only `import` runs the stage workers. */
export async function withPipeline<T>(
  runStages: boolean,
  work: (app: INestApplicationContext) => Promise<T>,
): Promise<T> {
  const settings = loadSettings();
  const logger = new StderrLogger('etl', { logLevels: process.env.ETL_LOG_LEVEL === 'debug' ? ['log', 'warn', 'error', 'debug'] : ['warn', 'error'] });
  const app = await NestFactory.createApplicationContext(
    PipelineModule.forRoot({ settings, stages: { transformation: runStages, loading: runStages, projections: false } }),
    { logger },
  );
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
