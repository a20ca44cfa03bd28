import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  ramGiB: number;
  node: string;
  os: string;
  /** 1, 5 and 15 minute load averages when the bench started: other work skews the figures. */
  loadAverage: number[];
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    ramGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${osType()} ${release()}`,
    loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

/** The machine's CPU time so far (every core), in the kernel's ticks: what steal is measured from. */
export interface CpuTicks {
  /** Ticks a virtual machine's cores were ready to run but the hypervisor ran something else. */
  steal: number;
  /** All ticks: user, nice, system, idle, iowait, irq, softirq and steal. */
  total: number;
}

/**
 * The aggregate `cpu` line of /proc/stat (Linux), or undefined where there is none. Its fields are
 * user, nice, system, idle, iowait, irq, softirq, steal, then guest time, which user already counts.
 */
export function parseCpuTicks(procStat: string): CpuTicks | undefined {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  const fields = line?.trim().split(/\s+/).slice(1, 9).map(Number);
  if (!fields || fields.length < 8 || fields.some((n) => !Number.isFinite(n))) return undefined;
  return { steal: fields[7], total: fields.reduce((sum, n) => sum + n, 0) };
}

export function readCpuTicks(): CpuTicks | undefined {
  try {
    return parseCpuTicks(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Of the CPU time between two readings, the share the hypervisor took (steal), in percent. On a
 * shared virtual machine it is why the same code's wall times differ from hour to hour.
 */
export function stealPercent(before: CpuTicks | undefined, after: CpuTicks | undefined): number | undefined {
  if (!before || !after) return undefined;
  const total = after.total - before.total;
  return total > 0 ? ((after.steal - before.steal) / total) * 100 : undefined;
}
