import { Injectable, type ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail } from '@nestjs/throttler';

/** @nestjs/throttler's guard on uploads: ETL_UPLOAD_RATE_LIMIT per ETL_RATE_WINDOW_MS and token (429 beyond). */
@Injectable()
export class UploadThrottlerGuard extends ThrottlerGuard {
  protected override async getTracker(request: Record<string, unknown>): Promise<string> {
    const caller = request.caller as { tokenId?: string } | undefined;
    return caller?.tokenId ?? String(request.ip);
  }

  protected override async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const response = context.switchToHttp().getResponse<{ setHeader(name: string, value: string): void }>();
    response.setHeader('Retry-After', String(detail.timeToBlockExpire));
    return super.throwThrottlingException(context, detail);
  }
}
