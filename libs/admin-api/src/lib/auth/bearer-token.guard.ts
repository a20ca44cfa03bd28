import { ForbiddenException, Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { TokenService, type Caller } from '@dirsync/auth';
import { IS_PUBLIC } from './public.decorator';

const READ_METHODS = new Set(['GET', 'HEAD']);

/**
 * Every endpoint needs a bearer token unless marked @Public(). Viewers may read (GET, HEAD);
 * everything else needs an admin. 401 without a token or with an unknown one, 403 for the wrong role.
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { caller?: Caller }>();
    const token = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
    const caller = token ? await this.tokens.verify(token) : undefined;
    if (!caller) {
      http.getResponse<Response>().setHeader('WWW-Authenticate', 'Bearer realm="dirsync"');
      throw new UnauthorizedException(token ? 'the bearer token is not valid' : 'a bearer token is required (Authorization: Bearer <token>)');
    }
    if (caller.role !== 'admin' && !READ_METHODS.has(request.method)) {
      throw new ForbiddenException(`the ${caller.role} role may only read; this needs an admin token`);
    }
    request.caller = caller;
    return true;
  }
}
