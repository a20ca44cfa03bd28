import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { AsOfError, directoryAsOf, DirectoryReadModel, ProjectionRunner, type DirectoryUser } from '@dirsync/projections';
import { UsageError } from '../usage-error';
import { withPipeline, type Output } from '../cli-context';
import { formatTable } from '../output/table';

/** `etl users [--json] [--as-of importId]`: the directory (now, or when an import completed), deleted users included, in a stable order. */
export async function usersCommand(flags: { json?: boolean; asOf?: string }, output: Output): Promise<number> {
  return withPipeline(false, async (app) => {
    const users = flags.asOf ? await usersAsOf(app.get<EventStore>(EVENT_STORE), flags.asOf) : await currentUsers(app.get(ProjectionRunner), app.get(DirectoryReadModel));
    if (flags.json) {
      output.out(`${JSON.stringify(users, null, 2)}\n`);
      return 0;
    }
    const rows = users.map((u) => [
      u.identifier ?? '', u.email ?? '', u.username ?? '', [u.firstName, u.lastName].filter(Boolean).join(' '),
      u.title ?? '', u.department ?? '', u.language ?? '', u.deleted ? 'Deleted' : u.status,
    ]);
    output.out(formatTable(['identifier', 'email', 'username', 'name', 'title', 'department', 'language', 'status'], rows));
    output.out(`${users.length} user${users.length === 1 ? '' : 's'}\n`);
    return 0;
  });
}

async function currentUsers(runner: ProjectionRunner, directory: DirectoryReadModel): Promise<DirectoryUser[]> {
  await runner.catchUp();
  return [...directory.all()];
}

async function usersAsOf(store: EventStore, importId: string): Promise<DirectoryUser[]> {
  try {
    const directory = await directoryAsOf(store, importId);
    try {
      return [...directory.all()];
    } finally {
      directory.close();
    }
  } catch (error) {
    if (error instanceof AsOfError) throw new UsageError(error.message);
    throw error;
  }
}
