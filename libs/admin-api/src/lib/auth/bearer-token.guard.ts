import { ForbiddenException, HttpException, HttpStatus, Inject, Injectable, Logger, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerStorage } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { TokenService, type Caller, type Role } from '@dirsync/auth';
import { ADMIN_API_OPTIONS, type AdminApiOptions } from '../admin-api.options';
import { MetricsService } from '../observability/metrics.service';
import { BlockedAddresses } from './blocked-addresses';
import { IS_PUBLIC } from './public.decorator';
import { REQUIRED_ROLE } from './roles.decorator';

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Global (APP_GUARD): every endpoint needs a bearer token unless marked @Public(). Viewers may
 * read (GET, HEAD); everything else needs an admin, unless @Roles() says otherwise. 401 without a
 * token or with an unknown one, 403 for the wrong role. A client address with more than
 * `authFailureLimit` failed authentications in `rateWindowMs` gets 429 for the next window,
 * whatever token it then presents (so guessing cannot continue).
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  private readonly logger = new Logger('Auth');
  private readonly blocked = new BlockedAddresses();

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly metrics: MetricsService,
    @Inject(ThrottlerStorage) private readonly storage: ThrottlerStorage,
    @Inject(ADMIN_API_OPTIONS) private readonly options: AdminApiOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { caller?: Caller }>();
    const response = http.getResponse<Response>();
    const client = request.ip ?? 'unknown';
    this.refuseWhileBlocked(client, response);

    const token = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const caller = token ? await this.tokens.verify(token) : undefined;
    if (!caller) {
      this.metrics.authFailure();
      this.logger.warn({ msg: 'authentication failed', ip: client, method: request.method, path: request.originalUrl, authorization: request.headers.authorization });
      const { rateWindowMs, authFailureLimit } = this.options.limits;
      const record = await this.storage.increment(`auth-failures:${client}`, rateWindowMs, authFailureLimit, rateWindowMs, 'auth-failures');
      if (record.isBlocked) {
        this.blocked.block(client, record.timeToBlockExpire * 1000);
        this.refuseWhileBlocked(client, response);
      }
      response.setHeader('WWW-Authenticate', `Bearer realm="dirsync"${token ? ', error="invalid_token"' : ''}`);
      throw new UnauthorizedException(token ? 'the bearer token is not valid' : 'a bearer token is required (Authorization: Bearer <token>)');
    }
    const required = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets) ?? (READ_METHODS.has(request.method) ? 'viewer' : 'admin');
    if (required === 'admin' && caller.role !== 'admin') {
      throw new ForbiddenException(`the ${caller.role} role may only read; this needs an admin token`);
    }
    request.caller = caller;
    return true;
  }

  private refuseWhileBlocked(client: string, response: Response): void {
    const seconds = this.blocked.secondsLeft(client);
    if (seconds === 0) return;
    response.setHeader('Retry-After', String(seconds));
    throw new HttpException(`too many failed authentications from this address; retry in ${seconds} s`, HttpStatus.TOO_MANY_REQUESTS);
  }
}
