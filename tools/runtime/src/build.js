// Compiles the workspace's TypeScript (apps, libs, tools) into dist/ as CommonJS with decorator
// metadata, so that the apps run as plain JavaScript. Running them through a compiler hook
// instead kept SWC's native module and TypeScript in every process: about 75 MB of RSS each,
// and a compile of every module at each start.
//
// Incremental: a file is compiled again when its source is newer than its output, everything
// when the compiler, the tsconfig or this file changes; outputs whose source is gone are removed
// (a deleted module must not stay loadable). Specs are not compiled: Jest runs the sources.
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const WORKSPACE = path.resolve(__dirname, '..', '..', '..');
const SOURCE_ROOTS = ['apps', 'libs', 'tools'];
const OUT_DIR = 'dist';
const STAMP_FILE = '.build-stamp';
const TSCONFIG = 'tsconfig.base.json';

const isSource = (name) => name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.d.ts');

/** Workspace-relative paths of every file under the source roots that `keep` accepts. */
function listFiles(root, dirs, keep) {
  const found = [];
  const walk = (relative) => {
    let entries;
    try {
      entries = fs.readdirSync(path.join(root, relative), { withFileTypes: true });
    } catch (error) {
      if (error.code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      if (entry.name === 'node_modules') continue;
      const child = path.join(relative, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (keep(entry.name)) found.push(child);
    }
  };
  for (const dir of dirs) walk(dir);
  return found;
}

/** Where a source's JavaScript goes: dist/ mirrors the workspace. */
function outputOf(source) {
  return path.join(OUT_DIR, source.replace(/\.ts$/, '.js'));
}

/** What the output depends on besides the sources: a change to any of these recompiles everything. */
function configStamp(root) {
  const hash = createHash('sha256');
  hash.update(require('@swc/core/package.json').version);
  hash.update(require('@swc-node/core/package.json').version);
  hash.update(fs.readFileSync(path.join(root, TSCONFIG)));
  hash.update(fs.readFileSync(__filename));
  return hash.digest('hex');
}

function mtimeMs(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch (error) {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * What a build of `root` has to do: the sources to compile and the outputs to remove. Reads
 * only file names and times, so a launcher can check it cheaply before every start.
 */
function planBuild(root = WORKSPACE) {
  const stamp = configStamp(root);
  const stampFile = path.join(root, OUT_DIR, STAMP_FILE);
  const fresh = fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8') === stamp;
  const sources = listFiles(root, SOURCE_ROOTS, isSource);
  const compile = sources.filter((source) => {
    if (!fresh) return true;
    const built = mtimeMs(path.join(root, outputOf(source)));
    return built === undefined || built < mtimeMs(path.join(root, source));
  });
  const expected = new Set(sources.map(outputOf));
  const remove = listFiles(path.join(root, OUT_DIR), SOURCE_ROOTS, (name) => name.endsWith('.js'))
    .map((output) => path.join(OUT_DIR, output))
    .filter((output) => !expected.has(output));
  return { stamp, stampChanged: !fresh, compile, remove };
}

const isUpToDate = (plan) => !plan.stampChanged && plan.compile.length === 0 && plan.remove.length === 0;

/** Carries out a plan: the same compiler settings as `@swc-node/register`, read from the tsconfig. */
function build(root = WORKSPACE, plan = planBuild(root)) {
  if (isUpToDate(plan)) return plan;
  const { transformSync } = require('@swc-node/core');
  const { readDefaultTsConfig, tsCompilerOptionsToSwcConfig } = require('@swc-node/register/read-default-tsconfig');
  // Inline maps: stack traces name the TypeScript line (run.js enables source maps).
  const options = { ...readDefaultTsConfig(path.join(root, TSCONFIG)), inlineSourceMap: true };
  for (const source of plan.compile) {
    const file = path.join(root, source);
    const { code } = transformSync(fs.readFileSync(file, 'utf8'), file, tsCompilerOptionsToSwcConfig(options, file));
    writeAtomically(path.join(root, outputOf(source)), code);
  }
  for (const output of plan.remove) fs.rmSync(path.join(root, output), { force: true });
  writeAtomically(path.join(root, OUT_DIR, STAMP_FILE), plan.stamp);
  return plan;
}

/** Two commands started together may build at once: each writes a file of its own, then renames it. */
function writeAtomically(file, content) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, file);
}

module.exports = { WORKSPACE, planBuild, build, isUpToDate, outputOf };

if (require.main === module) {
  const plan = build();
  if (plan.compile.length > 0) process.stderr.write(`compiled ${plan.compile.length} TypeScript files into ${OUT_DIR}/\n`);
}
