import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SizeResult } from './report/results';

const repoRoot = resolve(__dirname, '../../..');
const ROWS = 400;

/** `npm run bench` as a new user runs it (compiled, every scenario in a process of its own), on a small file. */
function bench(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [join(repoRoot, 'tools/runtime/run.js'), join(repoRoot, 'tools/bench/src/main.ts'), ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('npm run bench', () => {
  let dir: string;
  let run: Awaited<ReturnType<typeof bench>>;
  let sizes: SizeResult[];
  const scenario = (id: string) => sizes[0].scenarios.find((s) => s.scenario === id);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bench-int-'));
    // Two rounds: the combined figures are checked below as a single run's would be.
    run = await bench('--rows', String(ROWS), '--repeat', '2', '--out', join(dir, 'results.json'), '--tmp', join(dir, 'work'));
    sizes = (JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { sizes: SizeResult[] }).sizes;
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every scenario to completion and prints the table', () => {
    expect(run.code).toBe(0);
    expect(sizes[0].scenarios.map((s) => [s.scenario, s.error])).toEqual(
      ['parse', 'initial', 'reimport', 'changed', 'missing', 'replay'].map((id) => [id, undefined]),
    );
    for (const label of ['bare csv-parse', 'initial import', 're-import identical', 'import 1 % changed', '1 % missing, disable', 'projection rebuild']) {
      expect(run.stdout).toMatch(new RegExp(`^${ROWS}\\s+${label}\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d–\\d+\\.\\d\\d\\s`, 'm'));
    }
    expect(run.stdout).toContain(`Figures written to ${join(dir, 'results.json')}`);
  });

  it('measures what each import did to the directory', () => {
    const counts = (id: string) => scenario(id)?.counts;
    expect(scenario('parse')?.rows).toBe(ROWS);
    expect(counts('initial')).toMatchObject({ created: ROWS, rejected: 0 });
    expect(counts('reimport')).toMatchObject({ created: 0, updated: 0, skipped: ROWS });
    // One row in a hundred gets another title; then one in a hundred is left out and disabled.
    expect(counts('changed')).toMatchObject({ updated: ROWS / 100, skipped: ROWS - ROWS / 100 });
    expect(counts('missing')).toMatchObject({ disabled: ROWS / 100, updated: 0 });
    expect(scenario('replay')?.events).toBeGreaterThan(ROWS);
  });

  it('ran every scenario once per round, each round on a data dir of its own', () => {
    for (const result of sizes[0].scenarios) expect(result.runs?.map((r) => r.error)).toEqual([undefined, undefined]);
    // The second round's initial import created every user again: it did not find the first round's.
    expect(scenario('initial')?.runs?.map((r) => r.counts?.created)).toEqual([ROWS, ROWS]);
    expect(run.stderr).toContain('round 2 of 2');
  });

  it('reports a peak RSS for every scenario, checked against the target', () => {
    for (const result of sizes[0].scenarios) {
      expect(result.peakRssMb).toBeGreaterThan(0);
      expect(result.targets.map((t) => t.target)).toContain('RSS < 512 MB');
    }
  });

  it("reports every run's CPU time, every thread's, beside its wall time", () => {
    for (const result of sizes[0].scenarios) {
      expect(result.cpuMs).toBeGreaterThan(0);
      for (const run of result.runs ?? []) expect(run.cpuMs).toBeGreaterThan(0);
    }
  });

  it('leaves no generated files or data dirs behind without --keep', () => {
    // --tmp made the folder; the size's work dir inside it is gone.
    expect(readdirSync(join(dir, 'work'))).toEqual([]);
  });
});
