import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { BenchUsageError, parseBenchArgs } from './args';
import { benchSize } from './bench';
import { machineInfo, readCpuTicks, stealPercent } from './machine';
import { formatPhases, formatProfiles, formatTable, TARGETS, type SizeResult } from './report/results';

/**
 * `npm run bench`: generates user files, runs each scenario in a fresh process on the embedded
 * store, prints a table (stdout) and writes the figures as JSON. It reports missed targets; it
 * does not fail on them (it is a measurement, not a test).
 */
async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseBenchArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return error instanceof BenchUsageError ? 2 : 1;
  }
  const started = new Date();
  const machine = machineInfo();
  const ticksAtStart = readCpuTicks();
  const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
  log(`${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGiB} GiB, Node ${machine.node}, load ${machine.loadAverage.join(' ')}`);

  const sizes: SizeResult[] = [];
  for (const rows of args.rows) sizes.push(await benchSize(rows, args, log));

  const steal = stealPercent(ticksAtStart, readCpuTicks());
  const out = resolve(args.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ startedAt: started.toISOString(), machine, stealPercent: steal, seed: args.seed, targets: TARGETS, sizes }, null, 2)}\n`);

  const sections = [
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGiB} GiB RAM, Node ${machine.node} (${machine.os}); load at start ${machine.loadAverage.join(' ')}` +
      (steal === undefined ? '' : `; CPU steal over the run ${steal.toFixed(1)} %`),
    formatTable(sizes),
    `Phases (from each import's event timestamps):\n${formatPhases(sizes)}`,
    ...sizes.map(formatProfiles).filter(Boolean),
    `Figures written to ${out}`,
  ];
  process.stdout.write(`${sections.join('\n\n')}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  },
);
