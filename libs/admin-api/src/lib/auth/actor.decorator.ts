import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Caller } from '@dirsync/auth';

/**
 * Who acts, as the audit trail records it: `api:<token label> (token <token id>)`, in the style of
 * the CLI's `cli:<user>`. The label says who the token was made for, the id tells tokens with the
 * same label apart; the token itself is never recorded.
 */
export function actorOf(caller: Caller): string {
  return caller.label ? `api:${caller.label} (token ${caller.tokenId})` : `api:token ${caller.tokenId}`;
}

/** The caller BearerTokenGuard authenticated, as `actorOf` names it. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): string => {
  const { caller } = context.switchToHttp().getRequest<{ caller?: Caller }>();
  // Only a @Public() endpoint has no caller, and none of those acts on the directory.
  if (!caller) throw new Error('@Actor() needs an authenticated request');
  return actorOf(caller);
});
