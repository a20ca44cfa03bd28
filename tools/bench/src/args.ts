import { parseArgs } from 'node:util';
import { SCENARIOS, type ScenarioId } from './scenarios/types';

export interface BenchArgs {
  rows: number[];
  out: string;
  keep: boolean;
  seed: number;
  scenarios: ScenarioId[];
  /** Also run a profiled initial import per size (CPU profile, call counters), on a fresh data dir. */
  profile: boolean;
  /** Where temp files go (default: the OS temp dir). */
  tmp?: string;
  /** Per scenario: a child still running after this long is killed and reported. */
  timeoutMs?: number;
  /**
   * Runs of every scenario per size, each round on a fresh data dir with a parse of its own: the
   * table shows each scenario's fastest run (see combineRounds).
   */
  repeat: number;
}

export const USAGE = `npm run bench -- [--rows 100000,1000000] [--out bench/results.json] [--keep] [--seed 42]
                  [--scenarios parse,initial,reimport,changed,missing,replay] [--profile] [--tmp <dir>]
                  [--timeout-min <minutes per scenario>] [--repeat <runs of each scenario>]`;

export class BenchUsageError extends Error {}

export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      rows: { type: 'string', default: '100000,1000000' },
      out: { type: 'string', default: 'bench/results.json' },
      keep: { type: 'boolean', default: false },
      seed: { type: 'string', default: '42' },
      scenarios: { type: 'string', default: SCENARIOS.join(',') },
      profile: { type: 'boolean', default: false },
      tmp: { type: 'string' },
      'timeout-min': { type: 'string' },
      repeat: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new BenchUsageError(USAGE);
  const rows = values.rows.split(',').map((part) => Number(part.trim().replace(/_/g, '')));
  if (rows.some((n) => !Number.isInteger(n) || n < 1)) throw new BenchUsageError(`--rows must be positive whole numbers, got "${values.rows}"`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed)) throw new BenchUsageError(`--seed must be a whole number, got "${values.seed}"`);
  const scenarios = values.scenarios.split(',').map((s) => s.trim()) as ScenarioId[];
  const unknown = scenarios.filter((s) => !SCENARIOS.includes(s));
  if (unknown.length > 0) throw new BenchUsageError(`unknown scenario ${unknown.join(', ')}; choose from ${SCENARIOS.join(', ')}`);
  const timeoutMin = values['timeout-min'] === undefined ? undefined : Number(values['timeout-min']);
  if (timeoutMin !== undefined && !(timeoutMin > 0)) throw new BenchUsageError(`--timeout-min must be a positive number, got "${values['timeout-min']}"`);
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) throw new BenchUsageError(`--repeat must be a positive whole number, got "${values.repeat}"`);
  return {
    rows, out: values.out, keep: values.keep, seed, scenarios, profile: values.profile, tmp: values.tmp,
    timeoutMs: timeoutMin === undefined ? undefined : timeoutMin * 60_000,
    repeat,
  };
}
