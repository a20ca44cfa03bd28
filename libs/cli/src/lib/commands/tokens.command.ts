import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { TokenService, type Role } from '@dirsync/auth';
import { withPipeline, type Output } from '../cli-context';

/** `etl tokens create --role admin|viewer [--label text]`: prints a new API token, once; only its hash is kept. */
export async function createTokenCommand(flags: { role: Role; label?: string }, output: Output): Promise<number> {
  return withPipeline(false, async (app) => {
    const { token } = await new TokenService(app.get<EventStore>(EVENT_STORE)).create(flags.role, flags.label ?? `${flags.role} token`);
    output.out(`${token}\n`);
    return 0;
  });
}

/** `etl tokens list [--json]`: every token's id, role, label and dates; never a token or its hash. */
export async function listTokensCommand(flags: { json?: boolean }, output: Output): Promise<number> {
  return withPipeline(false, async (app) => {
    const tokens = await new TokenService(app.get<EventStore>(EVENT_STORE)).list();
    if (flags.json) {
      output.out(`${JSON.stringify(tokens)}\n`);
      return 0;
    }
    for (const t of tokens) output.out(`${t.tokenId}  ${t.role.padEnd(6)}  ${t.createdAt}  ${t.revokedAt ? `revoked ${t.revokedAt}` : 'active'}  ${t.label}\n`);
    if (tokens.length === 0) output.err('no tokens yet: etl tokens create --role admin|viewer\n');
    return 0;
  });
}

/** `etl tokens revoke <tokenId>`: the token is refused from now on (exit 1 when there is no such token). */
export async function revokeTokenCommand(tokenId: string, output: Output): Promise<number> {
  return withPipeline(false, async (app) => {
    if (!(await new TokenService(app.get<EventStore>(EVENT_STORE)).revoke(tokenId))) {
      output.err(`no token with id ${tokenId} (see etl tokens list)\n`);
      return 1;
    }
    output.err(`revoked ${tokenId}\n`);
    return 0;
  });
}
