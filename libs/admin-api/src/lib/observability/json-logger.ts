import type { LoggerService, LogLevel } from '@nestjs/common';
import { currentRequestId } from './request-context';
import { redact } from './redact';

export type JsonLogLevel = 'error' | 'warn' | 'log' | 'debug';

const SEVERITY: Record<string, number> = { fatal: 0, error: 0, warn: 1, log: 2, debug: 3, verbose: 4 };
const LEVEL_NAME: Record<string, string> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

export interface JsonLoggerOptions {
  /** The least severe level written. */
  level?: JsonLogLevel;
  /** Where each line goes (default: stdout). */
  write?: (line: string) => void;
}

/**
 * Structured logs: one JSON object per line with `time`, `level`, `msg`, `context` and the
 * `requestId` of the request being served, plus the fields of an object message. Secrets
 * (Authorization headers, passwords, tokens, keys) are replaced by [REDACTED] before writing.
 */
export class JsonLogger implements LoggerService {
  private readonly max: number;
  private readonly write: (line: string) => void;

  constructor(options: JsonLoggerOptions = {}) {
    this.max = SEVERITY[options.level ?? 'log'];
    this.write = options.write ?? ((line) => process.stdout.write(line));
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack?, context?).
    const [stack, context] = rest.length >= 2 ? rest : typeof rest[0] === 'string' && rest[0].includes('\n') ? [rest[0]] : [undefined, rest[0]];
    this.emit('error', message, context === undefined ? [] : [context], typeof stack === 'string' ? stack : undefined);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.emit('fatal', message, rest);
  }
  setLogLevels(_levels: LogLevel[]): void {
    // The level comes from ETL_LOG_LEVEL, once.
  }

  private emit(level: string, message: unknown, rest: unknown[], stack?: string): void {
    if (SEVERITY[level] > this.max) return;
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const fields = typeof message === 'object' && message !== null && !(message instanceof Error) ? (message as Record<string, unknown>) : {};
    const msg =
      message instanceof Error ? message.message : typeof message === 'object' && message !== null ? (fields.msg ?? fields.message ?? '') : String(message);
    const entry: Record<string, unknown> = {
      time: new Date().toISOString(),
      level: LEVEL_NAME[level],
      msg,
      context,
      requestId: fields.requestId ?? currentRequestId(),
      ...Object.fromEntries(Object.entries(fields).filter(([key]) => !['msg', 'message', 'requestId'].includes(key))),
      ...(stack ? { stack } : {}),
      ...(message instanceof Error ? { stack: message.stack } : {}),
    };
    this.write(`${JSON.stringify(redact(entry))}\n`);
  }
}
