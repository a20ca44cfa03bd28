import { ProjectionRunner, READ_MODEL_DB, replayAndCompare, type ReadModelDb } from '@dirsync/projections';
import { withPipeline, type Output } from '../cli-context';
import { formatTable } from '../output/table';

/** `etl replay [--json]`: rebuilds every read model from the log and shows that the result equals the live state. */
export async function replayCommand(flags: { json?: boolean }, output: Output): Promise<number> {
  return withPipeline(false, async (app) => {
    const report = await replayAndCompare(app.get(ProjectionRunner), app.get<ReadModelDb>(READ_MODEL_DB));
    if (flags.json) {
      output.out(`${JSON.stringify(report)}\n`);
    } else {
      const rows = Object.entries(report.after).map(([name, { rows, sha256 }]) => [name, String(rows), sha256, report.before[name].sha256 === sha256 ? 'yes' : 'NO']);
      output.out(`Replayed ${report.events} events.\n${formatTable(['read model', 'rows', 'sha256', 'equals live'], rows)}`);
      output.out(report.identical ? 'The rebuilt read models equal the live ones.\n' : 'The rebuilt read models differ from the live ones.\n');
    }
    return report.identical ? 0 : 1;
  });
}
