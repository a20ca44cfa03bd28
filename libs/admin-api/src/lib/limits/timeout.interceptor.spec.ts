import { ServiceUnavailableException, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { delay, firstValueFrom, of } from 'rxjs';
import type { AdminApiOptions } from '../admin-api.options';
import { LongRunning } from '@dirsync/api-common';
import { TimeoutInterceptor } from './timeout.interceptor';

class Handlers {
  quick(): string {
    return 'quick';
  }
  @LongRunning()
  slow(): string {
    return 'slow';
  }
}

const context = (handler: keyof Handlers, query: Record<string, string> = {}) =>
  ({
    getType: () => 'http',
    getHandler: () => Handlers.prototype[handler],
    getClass: () => Handlers,
    switchToHttp: () => ({ getRequest: () => ({ query }) }),
  }) as unknown as ExecutionContext;

describe('TimeoutInterceptor', () => {
  const interceptor = new TimeoutInterceptor(new Reflector(), { limits: { requestTimeoutMs: 20 } } as AdminApiOptions);
  const slowAnswer: CallHandler = { handle: () => of('done').pipe(delay(80)) };

  it('answers 503 when a handler takes longer than ETL_REQUEST_TIMEOUT_MS', async () => {
    await expect(firstValueFrom(interceptor.intercept(context('quick'), slowAnswer))).rejects.toBeInstanceOf(ServiceUnavailableException);
  });
  it('lets ?wait=true requests and @LongRunning() endpoints take their time', async () => {
    await expect(firstValueFrom(interceptor.intercept(context('quick', { wait: 'true' }), slowAnswer))).resolves.toBe('done');
    await expect(firstValueFrom(interceptor.intercept(context('slow'), slowAnswer))).resolves.toBe('done');
  });
});
