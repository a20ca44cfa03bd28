import { ConsoleLogger, type INestApplicationContext, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadSettings, PipelineModule } from '@dirsync/pipeline';
import { printable } from './output/printable';

/**
 * Logs go to stderr, so stdout carries only the command's result (e.g. --json). A message may
 * quote a file (a rejected header, a reason): it is made printable before the logger colours it.
 */
class StderrLogger extends ConsoleLogger {
  protected override printMessages(messages: unknown[], context?: string, logLevel?: LogLevel): void {
    const shown = messages.map((message) => (typeof message === 'string' ? printable(message) : message));
    super.printMessages(shown, context, logLevel, 'stderr');
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
