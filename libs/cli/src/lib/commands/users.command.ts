import { DirectoryReadModel, ProjectionRunner } from '@dirsync/projections';
import { withPipeline, type Output } from '../cli-context';
import { formatTable } from '../output/table';

/** `etl users [--json]`: the directory, every user including deleted ones, in a stable order. */
export async function usersCommand(flags: { json?: boolean }, output: Output): Promise<number> {
  return withPipeline(false, async (app) => {
    await app.get(ProjectionRunner).catchUp();
    const users = [...app.get(DirectoryReadModel).all()];
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
