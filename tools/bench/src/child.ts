import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { cpuMsSince } from './scenarios/cpu-time';
import type { ScenarioMeasurement, ScenarioSpec } from './scenarios/types';

/**
 * One scenario in a process of its own, so its peak RSS is its own. The spec comes as argv[2]
 * (JSON); the measurement goes back to the parent over IPC.
 */
async function run(spec: ScenarioSpec): Promise<ScenarioMeasurement> {
  let measured: Omit<ScenarioMeasurement, 'peakRssMb'>;
  switch (spec.kind) {
    case 'parse': {
      // Only csv-parse is loaded: the floor's peak RSS is not the pipeline's modules.
      const { bareParse } = await import('./scenarios/bare-parse');
      const start = performance.now();
      const cpuStart = process.cpuUsage();
      const rows = await bareParse(spec.file);
      measured = { wallMs: performance.now() - start, cpuMs: cpuMsSince(cpuStart), rows, events: 0 };
      break;
    }
    case 'import':
      measured = await (await pipeline()).importScenario(spec);
      break;
    case 'replay':
      measured = await (await pipeline()).replayScenario(spec);
      break;
  }
  return { ...measured, peakRssMb: process.resourceUsage().maxRSS / 1024, vmHwmMb: vmHwmMb() };
}

async function pipeline() {
  await import('reflect-metadata');
  return import('./scenarios/pipeline-scenarios');
}

/** VmHWM (peak RSS) from /proc, where there is one. */
function vmHwmMb(): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

const send = (message: unknown): Promise<void> =>
  new Promise((resolve) => (process.send ? process.send(message, undefined, {}, () => resolve()) : resolve()));

run(JSON.parse(process.argv[2]) as ScenarioSpec)
  .then((result) => send({ ok: true, result }))
  .catch((error: Error) => send({ ok: false, error: error.stack ?? String(error) }))
  // An explicit exit: a worker timer must not keep the process (and --cpu-prof writes its profile on exit).
  .finally(() => process.exit(0));
