// `node tools/runtime/run.js <entry.ts> [args…]`: runs a TypeScript entry point of the workspace
// from its compiled JavaScript (see src/build.js), compiling first what changed since the last run.
const { spawnSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const path = require('node:path');
const { WORKSPACE, planBuild, isUpToDate, outputOf } = require('./src/build');

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  process.stderr.write('usage: node tools/runtime/run.js <entry.ts> [args…]\n');
  process.exit(2);
}
// The compiler runs in a process of its own: loaded here, its native module would stay in this
// process's memory for as long as the app runs.
if (!isUpToDate(planBuild())) {
  const compiled = spawnSync(process.execPath, [require.resolve('./src/build')], { stdio: 'inherit' });
  if (compiled.status !== 0) process.exit(compiled.status ?? 1);
}
const compiledEntry = path.join(WORKSPACE, outputOf(path.relative(WORKSPACE, path.resolve(entry))));
if (!existsSync(compiledEntry)) {
  process.stderr.write(`${entry}: not a TypeScript file of the workspace's apps, libs or tools (nothing compiled at ${compiledEntry})\n`);
  process.exit(2);
}
process.setSourceMapsEnabled(true);
// The app sees itself as the script, and its own arguments after it.
process.argv = [process.argv[0], compiledEntry, ...args];
require(compiledEntry);
