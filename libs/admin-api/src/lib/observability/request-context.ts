import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from './metrics.service';

export const REQUEST_ID_HEADER = 'X-Request-Id';

/** The request id of the request being served, for the logs of everything it calls. */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

export const currentRequestId = (): string | undefined => requestContext.getStore()?.requestId;

/** A client's X-Request-Id is kept when it is a plain token (at most 128 of A-Z a-z 0-9 . _ : -); else one is made. */
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export type RequestWithId = Request & { id?: string; caller?: { tokenId: string; role: string } };

/**
 * Gives every request an id (the client's X-Request-Id or a new UUID), echoes it in the response,
 * runs the rest of the request in its context, and writes one access-log line when it finishes.
 */
export function requestContextMiddleware(metrics: MetricsService) {
  const logger = new Logger('HTTP');
  return (request: RequestWithId, response: Response, next: NextFunction): void => {
    const offered = request.headers['x-request-id'];
    const requestId = typeof offered === 'string' && ACCEPTABLE_ID.test(offered) ? offered : randomUUID();
    request.id = requestId;
    response.setHeader(REQUEST_ID_HEADER, requestId);
    const started = process.hrtime.bigint();
    response.on('finish', () => {
      const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
      metrics.httpRequest(request.method, request.originalUrl, response.statusCode);
      const entry = {
        msg: `${request.method} ${request.originalUrl} ${response.statusCode}`,
        requestId,
        method: request.method,
        path: request.originalUrl,
        status: response.statusCode,
        durationMs: Math.round(durationMs * 10) / 10,
        ip: request.ip,
        tokenId: request.caller?.tokenId,
      };
      if (response.statusCode >= 500) logger.error(entry);
      else logger.log(entry);
    });
    requestContext.run({ requestId }, next);
  };
}
