import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioMeasurement, ScenarioSpec } from './scenarios/types';

// The bench runs compiled (tools/runtime/run.js), so the child is the compiled file beside this one.
const CHILD = join(__dirname, 'child.js');

export interface ChildOptions {
  /** Write a V8 CPU profile of the child into this directory. */
  cpuProfileDir?: string;
  /** Kill the child after this long; the error then carries the peak RSS seen so far. */
  timeoutMs?: number;
}

/** Runs one scenario in a fresh Node process (compiled, as `npm run etl` runs) and returns what it measured. */
export function runScenarioInChild(spec: ScenarioSpec, options: ChildOptions = {}): Promise<ScenarioMeasurement> {
  const profiling = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  return new Promise((resolve, reject) => {
    // The child's stdout goes to our stderr: our stdout carries only the table.
    const child = fork(CHILD, [JSON.stringify(spec)], {
      execArgv: ['--enable-source-maps', ...profiling],
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    // Sampled from outside too: a child that is killed or dies still tells how much memory it took.
    let peakMb = 0;
    const sampler = setInterval(() => (peakMb = Math.max(peakMb, vmHwmMb(child.pid) ?? 0)), 1000);
    let timedOut = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, options.timeoutMs)
      : undefined;
    let reply: { ok: true; result: ScenarioMeasurement } | { ok: false; error: string } | undefined;
    child.on('message', (message) => (reply = message as typeof reply));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearInterval(sampler);
      clearTimeout(timer);
      if (reply?.ok) resolve(reply.result);
      else if (timedOut) reject(new Error(`did not finish within ${Math.round((options.timeoutMs ?? 0) / 1000)} s (killed; peak RSS so far ${Math.round(peakMb)} MB)`));
      else reject(new Error(reply ? reply.error : `the scenario's process exited (code ${code}, signal ${signal}) without a result; peak RSS ${Math.round(peakMb)} MB`));
    });
  });
}

function vmHwmMb(pid: number | undefined): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}
