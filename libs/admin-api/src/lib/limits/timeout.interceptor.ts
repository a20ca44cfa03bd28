import { Inject, Injectable, ServiceUnavailableException, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { throwError, timeout, type Observable } from 'rxjs';
import { ADMIN_API_OPTIONS, type AdminApiOptions } from '../admin-api.options';
import { LONG_RUNNING } from '@dirsync/api-common';

/**
 * Answers 503 (problem type `unavailable`) when a handler takes longer than ETL_REQUEST_TIMEOUT_MS.
 * Exempt: any request with `?wait=true` (an upload or a source run waiting for its import) and
 * endpoints marked @LongRunning() (approve, reject, revert, replay, CSV downloads, FTP source checks).
 */
@Injectable()
export class TimeoutInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(ADMIN_API_OPTIONS) private readonly options: AdminApiOptions,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request>();
    const exempt = request.query?.wait === 'true' || this.reflector.getAllAndOverride<boolean>(LONG_RUNNING, [context.getHandler(), context.getClass()]);
    if (exempt) return next.handle();
    const ms = this.options.limits.requestTimeoutMs;
    return next.handle().pipe(
      timeout({ first: ms, with: () => throwError(() => new ServiceUnavailableException(`the request took longer than ${ms} ms and was abandoned; retry later`)) }),
    );
  }
}
