import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';

/** Stable problem types (RFC 9457): clients may branch on `type`; `title` and `detail` are for people. */
export const PROBLEM_TYPES: Record<number, string> = {
  400: 'validation',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  422: 'import-failed',
  429: 'too-many-requests',
  503: 'unavailable',
};
export const PROBLEM_BASE = 'https://dirsync.dev/problems/';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** One invalid field (validation) or one rejected row (an import the pipeline refused). */
export interface ProblemItem {
  detail: string;
  field?: string;
  row?: number;
}

/** Members a thrown HttpException's body may not override: the problem's own. */
const RESERVED = new Set(['type', 'title', 'status', 'detail', 'message', 'error', 'statusCode', 'errors']);

/**
 * Every error as `application/problem+json`: `type`, `title`, `status`, `detail`; `errors` with
 * each invalid field or rejected row; `row` and `field` of the first one; any other members the
 * exception's body carries (e.g. `importId`, health `checks`). Unexpected errors say nothing of
 * their internals (they are logged with the request id instead).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const known = exception instanceof HttpException;
    const status = known ? exception.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
    if (!known) {
      this.logger.error({ msg: 'unexpected error', method: request?.method, path: request?.originalUrl, error: exception instanceof Error ? (exception.stack ?? exception.message) : String(exception) });
    }
    const body = known ? exception.getResponse() : undefined;
    const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
    const message = typeof body === 'string' ? body : record.message;
    const errors = problemItems(record.errors ?? (Array.isArray(message) ? message : undefined));
    const extensions = Object.fromEntries(Object.entries(record).filter(([key]) => !RESERVED.has(key)));
    // A health check's body has its own `status` (ok/error): kept whole under `checks`.
    if (typeof record.status === 'string') extensions.checks = record;
    const problem = {
      type: `${PROBLEM_BASE}${PROBLEM_TYPES[status] ?? (status >= 500 ? 'internal' : 'http-error')}`,
      title: titleOf(status),
      status,
      detail: !known ? 'an unexpected error occurred; it was logged' : describe(message, errors),
      ...(errors.length > 0 ? { ...positionOf(errors[0]), errors } : {}),
      ...extensions,
    };
    if (response.headersSent) {
      // A streamed answer (CSV) broke half-way: nothing can be said any more but to cut it short.
      response.destroy();
      return;
    }
    response.status(status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
  }
}

function titleOf(status: number): string {
  const name = HttpStatus[status];
  if (typeof name !== 'string') return 'Error';
  return name.toLowerCase().replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

function positionOf(item: ProblemItem): Partial<ProblemItem> {
  return { ...(item.row !== undefined ? { row: item.row } : {}), ...(item.field !== undefined ? { field: item.field } : {}) };
}

/** ValidationPipe's strings ("email must be an email"), or items already shaped ({ field, row, detail | message }). */
function problemItems(value: unknown): ProblemItem[] {
  if (!Array.isArray(value)) return [];
  return value.map((item): ProblemItem => {
    if (typeof item === 'object' && item !== null) {
      const { field, row, detail, message } = item as Record<string, unknown>;
      return {
        detail: String(detail ?? message ?? ''),
        ...(typeof field === 'string' ? { field } : {}),
        ...(typeof row === 'number' ? { row } : {}),
      };
    }
    return { detail: String(item) };
  });
}

function describe(message: unknown, errors: ProblemItem[]): string {
  if (typeof message === 'string') return message;
  if (errors.length > 0) return errors.map((e) => e.detail).join('; ');
  return 'the request failed';
}
