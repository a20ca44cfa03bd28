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
