import type { ImportCounts } from '@dirsync/domain';

export type ScenarioId = 'parse' | 'initial' | 'reimport' | 'changed' | 'missing' | 'replay';

export const SCENARIOS: readonly ScenarioId[] = ['parse', 'initial', 'reimport', 'changed', 'missing', 'replay'];

export const SCENARIO_LABELS: Record<ScenarioId, string> = {
  parse: 'bare csv-parse',
  initial: 'initial import',
  reimport: 're-import identical',
  changed: 'import 1 % changed',
  missing: '1 % missing, disable',
  replay: 'projection rebuild',
};

/** What the parent asks one child process to do. */
export type ScenarioSpec =
  | { kind: 'parse'; file: string }
  | { kind: 'import'; file: string; dataDir: string; disableMissing: boolean; instrument: boolean }
  | { kind: 'replay'; dataDir: string; instrument: boolean };

/** Per-phase wall time of an import, from the timestamps of its own events (ms). */
export type Phases = Record<string, number>;

/** Counters from wrapping store and read-model methods in the child (profiled runs only). */
export interface Instrumentation {
  [name: string]: { calls: number; ms: number; items?: number };
}

/** What one child reports back over IPC. */
export interface ScenarioMeasurement {
  /** Wall time of the measured work alone (booting the pipeline excluded, reported apart). */
  wallMs: number;
  /**
   * CPU time of the process over the same work, every thread's (getrusage, user and system): over
   * the wall time, how many of the machine's cores it kept busy on average.
   */
  cpuMs?: number;
  bootMs?: number;
  /** Data rows in the file (parse and imports). */
  rows?: number;
  /** Events appended (head position delta) for imports; events read for a replay. */
  events: number;
  /** Of `events`, those in the import's own stream (row results, rejections, state changes). */
  importStreamEvents?: number;
  /** Process peak resident set size (getrusage maxrss). */
  peakRssMb: number;
  /** VmHWM from /proc/self/status, as a cross-check of peakRssMb. */
  vmHwmMb?: number;
  status?: string;
  counts?: ImportCounts;
  phases?: Phases;
  instrumentation?: Instrumentation;
  directoryUsers?: number;
}
