import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';

/** Stable problem types (RFC 9457): clients may branch on `type`; `title` and `detail` are for people. */
const PROBLEM_TYPES: Record<number, string> = {
  400: 'validation',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'payload-too-large',
  429: 'too-many-requests',
};
export const PROBLEM_BASE = 'https://dirsync.dev/problems/';

/** Every error as `application/problem+json`; unexpected errors say nothing of their internals. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const status = exception instanceof HttpException ? exception.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR;
    if (!(exception instanceof HttpException)) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    const body = exception instanceof HttpException ? exception.getResponse() : undefined;
    const message = typeof body === 'object' && body !== null && 'message' in body ? (body as { message: unknown }).message : body;
    const problem = {
      type: `${PROBLEM_BASE}${PROBLEM_TYPES[status] ?? (status >= 500 ? 'internal' : 'http-error')}`,
      title: HttpStatus[status]?.toString().toLowerCase().replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()) ?? 'Error',
      status,
      detail: status >= 500 && !(exception instanceof HttpException) ? 'an unexpected error occurred; it was logged' : describe(message),
      ...(Array.isArray(message) ? { errors: message.map(String) } : {}),
    };
    response.status(status).type('application/problem+json').send(JSON.stringify(problem));
  }
}

function describe(message: unknown): string {
  if (Array.isArray(message)) return message.map(String).join('; ');
  return typeof message === 'string' ? message : 'the request failed';
}
