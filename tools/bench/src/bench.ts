import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { BenchArgs } from './args';
import { writeUsersCsv, type WriteResult } from './generate/write-users-csv';
import type { Variant } from './generate/users';
import { readCpuTicks, stealPercent } from './machine';
import { summarizeCpuProfile } from './profile/cpu-profile';
import { combineRounds, evaluate, failed, type ProfiledRun, type ScenarioResult, type SizeResult } from './report/results';
import { runScenarioInChild } from './run-child';
import { SCENARIO_LABELS, type ScenarioId, type ScenarioSpec } from './scenarios/types';

/** Later scenarios work on the log the initial import wrote, in the same data dir. */
const NEEDS_INITIAL: ScenarioId[] = ['reimport', 'changed', 'missing', 'replay'];

const FILES: Record<'base' | 'changed' | 'missing', Variant> = {
  base: {},
  changed: { changeOnePercent: true },
  // The changed file minus 1 % of its rows: after the changed import, its only effect is the disables.
  missing: { changeOnePercent: true, dropOnePercent: true },
};

/** Runs every chosen scenario for one file size, each in its own process, on a temp data dir. */
export async function benchSize(rows: number, args: BenchArgs, log: (line: string) => void): Promise<SizeResult> {
  const parent = args.tmp ?? tmpdir();
  mkdirSync(parent, { recursive: true }); // a --tmp folder that does not exist yet is made
  const workDir = mkdtempSync(join(parent, `dirsync-bench-${rows}-`));
  log(`${rows} rows: working in ${workDir}`);
  const files = new Map<keyof typeof FILES, WriteResult>();
  let generateMs = 0;
  const file = async (name: keyof typeof FILES): Promise<string> => {
    let written = files.get(name);
    if (!written) {
      const start = performance.now();
      written = await writeUsersCsv(join(workDir, `users-${rows}-${name}.csv`), rows, args.seed, FILES[name]);
      generateMs += performance.now() - start;
      files.set(name, written);
      log(`  generated ${name}: ${written.rows} rows, ${(written.bytes / 1024 ** 2).toFixed(1)} MiB`);
    }
    return written.file;
  };

  const result: SizeResult = { rows, fileBytes: 0, generateMs: 0, scenarios: [] };
  try {
    const wanted = new Set(args.scenarios);
    if (NEEDS_INITIAL.some((s) => wanted.has(s))) wanted.add('initial');
    wanted.add('parse'); // every ratio is to the parse of the same size

    const rounds: ScenarioResult[][] = [];
    for (let round = 1; round <= args.repeat; round++) {
      if (args.repeat > 1) log(`  round ${round} of ${args.repeat}`);
      // A fresh data dir each round: every initial import starts from an empty directory.
      const dataDir = join(workDir, args.repeat > 1 ? `data-${round}` : 'data');
      rounds.push(await runRound(wanted, dataDir, file, args, log));
      // A round's log and blobs take gigabytes at a million rows: gone before the next round writes its own.
      if (args.repeat > 1 && !args.keep) rmSync(dataDir, { recursive: true, force: true });
    }
    result.scenarios = combineRounds(rounds);
    if (args.profile) result.profiles = await profileRuns(rows, workDir, { base: await file('base'), changed: await file('changed') }, args, log);
    result.fileBytes = files.get('base')?.bytes ?? 0;
    result.generateMs = generateMs;
    return result;
  } finally {
    if (args.keep) log(`  kept ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * One round of the chosen scenarios, in order, on one data dir: the bare parse (the round's own
 * floor for its ratios), the initial import, then the scenarios that work on its log.
 */
async function runRound(
  wanted: Set<ScenarioId>,
  dataDir: string,
  file: (name: keyof typeof FILES) => Promise<string>,
  args: BenchArgs,
  log: (line: string) => void,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  // Set once the round's parse has run: every later scenario's ratio is to it.
  const floor: { parseMs?: number } = {};
  const run = async (scenario: ScenarioId, spec: ScenarioSpec): Promise<ScenarioResult> => {
    log(`  ${SCENARIO_LABELS[scenario]}…`);
    let outcome: ScenarioResult;
    const ticks = readCpuTicks();
    try {
      outcome = evaluate(scenario, await runScenarioInChild(spec, { timeoutMs: args.timeoutMs }), floor.parseMs);
      outcome.stealPercent = stealPercent(ticks, readCpuTicks());
      const steal = outcome.stealPercent === undefined ? '' : `, steal ${outcome.stealPercent.toFixed(0)} %`;
      log(`    ${(outcome.wallMs / 1000).toFixed(2)} s, peak RSS ${outcome.peakRssMb.toFixed(0)} MB${steal}${outcome.status ? `, ${outcome.status}` : ''}${outcome.counts ? ` ${JSON.stringify(outcome.counts)}` : ''}`);
    } catch (error) {
      outcome = failed(scenario, error as Error);
      log(`    failed: ${(error as Error).message}`);
    }
    results.push(outcome);
    return outcome;
  };
  const imported = (path: string, disableMissing = false): ScenarioSpec => ({ kind: 'import', file: path, dataDir, disableMissing, instrument: false });

  const parse = await run('parse', { kind: 'parse', file: await file('base') });
  floor.parseMs = parse.error ? undefined : parse.wallMs;
  const initialOk = wanted.has('initial') && !(await run('initial', imported(await file('base')))).error;
  if (initialOk) {
    if (wanted.has('reimport')) await run('reimport', imported(await file('base')));
    if (wanted.has('changed')) await run('changed', imported(await file('changed')));
    if (wanted.has('missing')) await run('missing', imported(await file('missing'), true));
    if (wanted.has('replay')) await run('replay', { kind: 'replay', dataDir, instrument: false });
  }
  return results;
}

/**
 * The initial import, the 1 %-changed import and the rebuild again, on a fresh data dir, each with
 * a CPU profile and call counters (slower than unprofiled runs: not in the table).
 */
async function profileRuns(
  rows: number,
  workDir: string,
  files: { base: string; changed: string },
  args: BenchArgs,
  log: (line: string) => void,
): Promise<ProfiledRun[]> {
  const dataDir = join(workDir, 'data-profile');
  const specs: [ScenarioId, ScenarioSpec][] = [
    ['initial', { kind: 'import', file: files.base, dataDir, disableMissing: false, instrument: true }],
    ['changed', { kind: 'import', file: files.changed, dataDir, disableMissing: false, instrument: true }],
    ['replay', { kind: 'replay', dataDir, instrument: true }],
  ];
  const runs: ProfiledRun[] = [];
  for (const [scenario, spec] of specs) {
    const profileDir = join(workDir, `profile-${scenario}`);
    mkdirSync(profileDir, { recursive: true });
    log(`  profiled ${SCENARIO_LABELS[scenario]}…`);
    try {
      const measurement = await runScenarioInChild(spec, { cpuProfileDir: profileDir, timeoutMs: args.timeoutMs });
      const { main, workers } = profileFiles(profileDir);
      if (!main) {
        runs.push({ scenario, measurement });
        continue;
      }
      // Next to the results, so they outlive the temp dir (bench/ is not committed).
      const keep = (written: string, suffix: string) => {
        const kept = resolve(dirname(args.out), `${scenario}-${rows}${suffix}.cpuprofile`);
        mkdirSync(dirname(kept), { recursive: true });
        copyFileSync(join(profileDir, written), kept);
        return kept;
      };
      const kept = keep(main, '');
      const threads = workers.map(({ file, threadId }) => {
        const threadFile = keep(file, `-thread-${threadId}`);
        return { threadId, cpu: summarizeCpuProfile(threadFile, 8), cpuProfileFile: threadFile };
      });
      log(`    ${(measurement.wallMs / 1000).toFixed(2)} s; CPU profile ${kept}`);
      runs.push({ scenario, measurement, cpu: summarizeCpuProfile(kept), cpuProfileFile: kept, threads });
    } catch (error) {
      log(`    failed: ${(error as Error).message}`);
      if (scenario === 'initial') break;
    }
  }
  return runs;
}

/**
 * Node's --cpu-prof writes a profile per thread, named CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile:
 * thread 0 is the main thread, the others workers (the projection thread, when it ran).
 */
function profileFiles(dir: string): { main?: string; workers: { file: string; threadId: number }[] } {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((file) => ({ file, threadId: Number(file.split('.').at(-3)) }));
  return { main: files.find((profile) => profile.threadId === 0)?.file, workers: files.filter((profile) => profile.threadId !== 0) };
}
