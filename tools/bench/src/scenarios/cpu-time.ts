/**
 * The process's CPU time since `start` (a process.cpuUsage() reading), user and system, in
 * milliseconds. It counts every thread of the process: the worker threads' too.
 */
export function cpuMsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}
