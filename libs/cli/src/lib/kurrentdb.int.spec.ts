import { randomUUID } from 'node:crypto';
import { EtlHarness, samplePath } from './testing/etl-harness';

const connectionString = process.env.KURRENTDB_CONNECTION_STRING;
if (!connectionString) {
  // Said plainly in the log: this suite needs a server that cannot run here.
  process.stderr.write('KurrentDB end-to-end import skipped: set KURRENTDB_CONNECTION_STRING=kurrentdb://localhost:2113?tls=false to run it\n');
}

/** The whole pipeline on a real KurrentDB server: the same CLI, with the log on the server. */
(connectionString ? describe : describe.skip)('end-to-end import on KurrentDB', () => {
  let h: EtlHarness;
  beforeEach(() => {
    h = new EtlHarness();
    process.env.KURRENTDB_NAMESPACE = `e2e-${randomUUID()}-`;
  });
  afterEach(() => {
    delete process.env.KURRENTDB_NAMESPACE;
    h.dispose();
  });

  it('imports the sample, then skips every row of the same file, and replays to the same directory', async () => {
    const first = await h.importJson(samplePath('users.csv'));
    expect(first.summary).toMatchObject({ status: 'completed', counts: { created: 7, rejected: 0 } });
    const users = (await h.etl('users', '--json')).stdout;
    const second = await h.importJson(samplePath('users.csv'));
    expect(second.summary.counts).toMatchObject({ skipped: 7, created: 0, updated: 0 });
    const replay = JSON.parse((await h.etl('replay', '--json')).stdout);
    expect(replay.identical).toBe(true);
    expect((await h.etl('users', '--json')).stdout).toBe(users);
  }, 60_000);
});
