import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { EtlHarness, repoRoot } from './testing/etl-harness';

/**
 * `etl import` beside a running server on the same data dir: every process runs the stages and
 * the projections over the one log, so each sees the others' imports. They must take turns, not
 * race: before, the loser of a race on the import's stream recorded it failed while the winner
 * applied it, or a projection batch failed on the other process's commit ("database is locked").
 */
describe('CLI imports beside a running server (one data dir)', () => {
  const ROWS = 20_000;
  let h: EtlHarness;
  let server: ChildProcess | undefined;
  beforeEach(() => (h = new EtlHarness()));
  afterEach(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    h.dispose();
  });

  function usersFile(name: string): string {
    const lines = ['email,first name,last name'];
    for (let i = 0; i < ROWS; i++) lines.push(`${name}${i}@corp.example,First${i},Last${i}`);
    return h.file(`${name}.csv`, `${lines.join('\n')}\n`);
  }

  /** `etl import --json` as a process of its own, as an administrator runs it. */
  async function importProcess(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [join(repoRoot, 'tools/runtime/run.js'), join(repoRoot, 'apps/cli/src/main.ts'), 'import', file, '--json'], {
      cwd: repoRoot,
      env: { ...process.env, ETL_DATA_DIR: h.dataDir },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const [code] = await once(child, 'exit');
    return { code, stdout, stderr };
  }

  async function startServer(port: number): Promise<ChildProcess> {
    const child = spawn(process.execPath, [join(repoRoot, 'tools/runtime/run.js'), join(repoRoot, 'apps/server/src/main.ts')], {
      cwd: repoRoot,
      env: { ...process.env, ETL_DATA_DIR: h.dataDir, PORT: String(port), ETL_ADMIN_TOKEN: 'beside-server-admin-token' },
      stdio: 'ignore',
    });
    for (let tries = 0; tries < 600; tries++) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
      const live = await fetch(`http://127.0.0.1:${port}/api/health/live`).catch(() => undefined);
      if (live?.ok) return child;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the server did not answer within a minute');
  }

  it('completes two imports started at once, each exactly once, and the read models equal a rebuild', async () => {
    server = await startServer(31_000 + Math.floor(Math.random() * 2_000));
    const [first, second] = [usersFile('a'), usersFile('b')];

    const runs = await Promise.all([importProcess(first), importProcess(second)]);

    for (const run of runs) {
      expect(run.stderr).not.toMatch(/error|locked|failed/i);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ status: 'completed', counts: { created: ROWS, rejected: 0 } });
    }
    expect(await h.users()).toHaveLength(2 * ROWS);
    const replay = await h.etl('replay', '--json');
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ identical: true });
  }, 240_000);
});
