import type { ImportCounts } from '@dirsync/domain';
import type { ProfileSummary } from '../profile/cpu-profile';
import { SCENARIO_LABELS, type ScenarioId, type ScenarioMeasurement } from '../scenarios/types';

export interface ScenarioResult extends ScenarioMeasurement {
  scenario: ScenarioId;
  rowsPerSec?: number;
  eventsPerSec?: number;
  /** Wall time over the bare parse's wall time, same file size. */
  ratioToParse?: number;
  /**
   * Of the machine's CPU time while the scenario ran, the share a virtual machine's hypervisor
   * took (Linux only): a high one makes the wall time, and its ratio to the parse, unreliable.
   */
  stealPercent?: number;
  targets: TargetCheck[];
  error?: string;
  /** With --repeat: every run of the scenario, one per round, in the order they ran (see combineRounds). */
  runs?: RunSummary[];
}

/** One run of a scenario among several (--repeat). */
export interface RunSummary {
  wallMs: number;
  cpuMs?: number;
  counts?: ImportCounts;
  ratioToParse?: number;
  eventsPerSec?: number;
  peakRssMb: number;
  stealPercent?: number;
  error?: string;
}

export interface TargetCheck {
  target: string;
  pass: boolean;
}

export interface SizeResult {
  rows: number;
  fileBytes: number;
  generateMs: number;
  scenarios: ScenarioResult[];
  profiles?: ProfiledRun[];
}

export interface ProfiledRun {
  scenario: ScenarioId;
  measurement: ScenarioMeasurement;
  cpu?: ProfileSummary;
  cpuProfileFile?: string;
  /** Worker threads' profiles (the projection thread, when it ran), by thread id. */
  threads?: { threadId: number; cpu: ProfileSummary; cpuProfileFile: string }[];
}

/** DESIGN.md, "Non-functional targets". */
export const TARGETS = {
  initialRatio: 6,
  changedRatio: 2,
  peakRssMb: 512,
  replayEventsPerSec: 100_000,
};

/** Adds the derived figures (rates, ratio to the parse) and the target checks to what a child measured. */
export function evaluate(scenario: ScenarioId, measured: ScenarioMeasurement, parseMs: number | undefined): ScenarioResult {
  const seconds = measured.wallMs / 1000;
  const result: ScenarioResult = {
    scenario,
    ...measured,
    rowsPerSec: measured.rows !== undefined && seconds > 0 ? measured.rows / seconds : undefined,
    eventsPerSec: measured.events > 0 && seconds > 0 ? measured.events / seconds : undefined,
    ratioToParse: parseMs ? measured.wallMs / parseMs : undefined,
    targets: [],
  };
  if (scenario === 'initial' && result.ratioToParse !== undefined) {
    result.targets.push({ target: `≤ ${TARGETS.initialRatio}× parse`, pass: result.ratioToParse <= TARGETS.initialRatio });
  }
  if (scenario === 'changed' && result.ratioToParse !== undefined) {
    result.targets.push({ target: `≤ ${TARGETS.changedRatio}× parse`, pass: result.ratioToParse <= TARGETS.changedRatio });
  }
  if (scenario === 'replay') {
    result.targets.push({ target: `≥ ${TARGETS.replayEventsPerSec / 1000}k ev/s`, pass: (result.eventsPerSec ?? 0) >= TARGETS.replayEventsPerSec });
  }
  result.targets.push({ target: `RSS < ${TARGETS.peakRssMb} MB`, pass: measured.peakRssMb < TARGETS.peakRssMb });
  return result;
}

export function failed(scenario: ScenarioId, error: Error): ScenarioResult {
  return { scenario, wallMs: NaN, events: 0, peakRssMb: NaN, targets: [], error: error.message.split('\n')[0] };
}

/**
 * One result per scenario from several rounds of them (--repeat). On a shared machine noise only
 * ever adds time, and the bare parse (the floor) varies most of all: in one run of three rounds
 * at 1M it took 6.54 to 11.47 s while the initial imports took 61.0 to 64.6 s. So each scenario
 * is shown by its fastest run, its ratio taken to the fastest parse: like compared with like, the
 * least disturbed run of each. Every run is kept (`runs`, each with its ratio to its own round's
 * parse). The peak RSS is the highest of all runs, and the memory target is checked on it: it must
 * hold for every run. A scenario that failed in any round is shown as failed. One round is
 * returned as it is.
 */
export function combineRounds(rounds: ScenarioResult[][]): ScenarioResult[] {
  if (rounds.length === 1) return rounds[0];
  const order: ScenarioId[] = [];
  const byScenario = new Map<ScenarioId, ScenarioResult[]>();
  for (const round of rounds) {
    for (const result of round) {
      if (!byScenario.has(result.scenario)) order.push(result.scenario);
      byScenario.set(result.scenario, [...(byScenario.get(result.scenario) ?? []), result]);
    }
  }
  const parses = (byScenario.get('parse') ?? []).filter((result) => result.error === undefined);
  const fastestParseMs = parses.length > 0 ? Math.min(...parses.map((result) => result.wallMs)) : undefined;
  return order.map((scenario) => combineRuns(scenario, byScenario.get(scenario) ?? [], fastestParseMs));
}

function combineRuns(scenario: ScenarioId, results: ScenarioResult[], fastestParseMs: number | undefined): ScenarioResult {
  const runs = results.map(summarizeRun);
  const failedRun = results.findIndex((result) => result.error !== undefined);
  if (failedRun !== -1) {
    const first = results[failedRun];
    return { ...first, error: `run ${failedRun + 1} of ${results.length}: ${first.error}`, runs };
  }
  const fastest = results.reduce((best, result) => (result.wallMs < best.wallMs ? result : best));
  const peakRssMb = Math.max(...results.map((result) => result.peakRssMb));
  return { ...evaluate(scenario, { ...fastest, peakRssMb }, fastestParseMs), runs };
}

function summarizeRun(result: ScenarioResult): RunSummary {
  const { wallMs, cpuMs, counts, ratioToParse, eventsPerSec, peakRssMb, stealPercent, error } = result;
  return { wallMs, cpuMs, counts, ratioToParse, eventsPerSec, peakRssMb, stealPercent, error };
}

const fixed = (n: number | undefined, digits = 0) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));
const thousands = (n: number | undefined) => (n === undefined || Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en-US'));

/** The table printed on stdout: one line per size and scenario, targets as pass/FAIL. */
export function formatTable(sizes: SizeResult[]): string {
  const header = ['rows', 'scenario', 'wall s', 'runs s', 'CPU s', 'rows/s', 'events', 'events/s', 'peak RSS MB', '× parse', 'steal %', 'targets'];
  const lines: string[][] = [];
  for (const size of sizes) {
    for (const r of size.scenarios) {
      const targets = r.error ? `ERROR: ${r.error}` : r.targets.map((t) => `${t.target}: ${t.pass ? 'pass' : 'FAIL'}`).join('; ');
      lines.push([
        thousands(size.rows),
        SCENARIO_LABELS[r.scenario] + (r.status && r.status !== 'completed' ? ` (${r.status})` : ''),
        fixed(r.wallMs / 1000, 2),
        runRange(r.runs),
        // The fastest run's, beside its wall time: CPU s over wall s is the cores it kept busy.
        r.cpuMs === undefined ? '–' : fixed(r.cpuMs / 1000, 2),
        thousands(r.rowsPerSec),
        r.events ? thousands(r.events) : '–',
        thousands(r.eventsPerSec),
        fixed(r.peakRssMb),
        // Two decimals: at one, a ratio just above a target (6.04×) printed as 6.0 beside its FAIL.
        r.scenario === 'parse' ? '1.00' : fixed(r.ratioToParse, 2),
        fixed(r.stealPercent),
        targets,
      ]);
    }
  }
  return aligned([header, ...lines], [false, false, true, true, true, true, true, true, true, true, true, false]);
}

/** The fastest and slowest wall times of a scenario run several times (--repeat); '–' for one run. */
function runRange(runs: RunSummary[] | undefined): string {
  const walls = (runs ?? []).filter((run) => run.error === undefined).map((run) => run.wallMs / 1000);
  if (walls.length < 2) return '–';
  return `${Math.min(...walls).toFixed(2)}–${Math.max(...walls).toFixed(2)}`;
}

/** Where each import's time went (from its events' timestamps), one line per size and scenario. */
export function formatPhases(sizes: SizeResult[]): string {
  const out: string[] = [];
  for (const size of sizes) {
    for (const r of size.scenarios) {
      if (!r.phases) continue;
      const total = r.wallMs;
      const parts = Object.entries(r.phases).map(([name, ms]) => `${name} ${(ms / 1000).toFixed(2)} s (${((ms / total) * 100).toFixed(0)} %)`);
      out.push(`${thousands(size.rows)} ${SCENARIO_LABELS[r.scenario]}: ${parts.join(' | ')}`);
    }
  }
  return out.join('\n');
}

export function formatProfiles(size: SizeResult): string {
  return (size.profiles ?? []).map((run) => formatProfile(size.rows, run)).join('\n\n');
}

function formatProfile(rows: number, run: ProfiledRun): string {
  const m = run.measurement;
  const lines = [`Profiled ${SCENARIO_LABELS[run.scenario]}, ${thousands(rows)} rows: wall ${(m.wallMs / 1000).toFixed(2)} s with the profiler on, peak RSS ${fixed(m.peakRssMb)} MB`];
  if (m.phases) lines.push(`  phases: ${Object.entries(m.phases).map(([name, ms]) => `${name} ${(ms / 1000).toFixed(2)} s`).join(' | ')}`);
  if (run.cpu) lines.push(...cpuLines(run.cpu, { activities: 'CPU by activity', functions: 'Top functions by self time' }));
  if (m.instrumentation) {
    lines.push('  Call counters:');
    for (const [name, c] of Object.entries(m.instrumentation)) {
      lines.push(`    ${name}: ${thousands(c.calls)} calls${c.items ? `, ${thousands(c.items)} items` : ''}${c.ms ? `, ${(c.ms / 1000).toFixed(2)} s` : ''}`);
    }
  }
  if (run.cpuProfileFile) lines.push(`  CPU profile: ${run.cpuProfileFile} (open in Chrome DevTools)`);
  for (const thread of run.threads ?? []) {
    // Its idle time is time it waited for work: beside the main thread's phases, it says which of the two bounds them.
    const activities = `Worker thread ${thread.threadId} (the projection thread), CPU by activity`;
    lines.push(...cpuLines(thread.cpu, { activities, functions: 'Its top functions by self time' }, 0.5));
    lines.push(`  Its CPU profile: ${thread.cpuProfileFile}`);
  }
  return lines.join('\n');
}

/** A CPU summary as lines: its activities (those of at least `minPercent`), then its top functions. */
function cpuLines(cpu: ProfileSummary, titles: { activities: string; functions: string }, minPercent = 0): string[] {
  const share = (percent: number, ms: number, name: string) => `    ${percent.toFixed(1).padStart(5)} %  ${(ms / 1000).toFixed(2).padStart(7)} s  ${name}`;
  return [
    `  ${titles.activities} (of ${(cpu.totalMs / 1000).toFixed(1)} s sampled):`,
    ...cpu.categories.filter((c) => c.percent >= minPercent).map((c) => share(c.percent, c.ms, c.name)),
    `  ${titles.functions}:`,
    ...cpu.topSelf.map((f) => share(f.percent, f.ms, f.fn)),
  ];
}

function aligned(rows: string[][], right: boolean[]): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const render = (row: string[]) =>
    row.map((cell, column) => (column === row.length - 1 ? cell : right[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ');
  return [render(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(render)].join('\n');
}
