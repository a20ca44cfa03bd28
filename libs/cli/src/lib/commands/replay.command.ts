import { DirectoryReadModel, ProjectionRunner } from '@dirsync/projections';
import { withPipeline, type Output } from '../cli-context';

/** `etl replay`: drops every read model and projects the whole log again. */
export async function replayCommand(output: Output): Promise<number> {
  return withPipeline(false, async (app) => {
    const events = await app.get(ProjectionRunner).rebuild();
    output.out(`Replayed ${events} events; the directory has ${app.get(DirectoryReadModel).count()} users.\n`);
    return 0;
  });
}
