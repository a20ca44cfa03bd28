import { readFileSync } from 'node:fs';

/** The parts of a V8 .cpuprofile this summary reads. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** CPU time by pipeline activity (see CATEGORIES), largest first. */
  categories: { name: string; ms: number; percent: number }[];
  /** Functions with the most self time. */
  topSelf: { fn: string; ms: number; percent: number }[];
}

/**
 * A sample belongs to the first category (in this order) that any frame of its stack matches. The
 * stack is only what ran synchronously since the last await, so categories name the code that
 * resumed, which is enough to tell the stages apart.
 */
const CATEGORIES: { name: string; match: (fn: string, url: string) => boolean }[] = [
  { name: 'startup (module loading, Nest boot)', match: (fn, url) => ['compileFunction', 'wrapSafe', 'compileSourceTextModule'].includes(fn) || url.includes('@nestjs/core/injector') },
  { name: 'import stream re-reads (ImportLog.read: waitUntilSettled poll, stages)', match: (fn, url) => fn === 'readStream' || (fn === 'read' && url.includes('import-log')) || fn === 'evolveImport' },
  { name: 'validate rows (class-validator)', match: (fn, url) => url.includes('class-validator') || fn === 'validateRow' },
  { name: 'csv-parse (transformation)', match: (_fn, url) => url.includes('csv-parse') },
  { name: 'decode + map rows (readRowValues, toUserRecord)', match: (fn, url) => url.includes('/transformation/src/') && fn !== 'write' },
  { name: 'planning: directory look-ups (findBy)', match: (fn) => fn === 'findBy' || fn === 'rowToUser' },
  { name: 'planning: catalog look-ups', match: (fn, url) => url.includes('catalog.read-model') },
  { name: 'planning: decide + username + diff', match: (fn, url) => url.includes('/domain/src/') || fn === 'planRow' || fn === 'checkCatalog' || fn === 'changesOf' },
  { name: 'user event appends (appendBatch, appendOne)', match: (fn, url) => fn === 'appendOne' || fn === 'appendBatch' || url.includes('append-rules') },
  { name: 'projections (directory upserts, import_rows inserts)', match: (fn, url) => url.includes('/projections/src/lib/') && !url.includes('read-model.') },
  { name: 'log reads for projections/subscriptions (readAll, readPage)', match: (fn) => fn === 'readPage' || fn === 'readAll' || fn === 'toRecorded' },
  { name: 'plan blob / records blob NDJSON (JSON.stringify, readline, JSON.parse)', match: (fn, url) => url.includes('blob-store') || fn === 'readNdjson' || url.includes('node:readline') },
  { name: 'loading: other (row-result recorder, applier)', match: (_fn, url) => url.includes('/loading/src/') },
  { name: 'garbage collection', match: (fn) => fn === '(garbage collector)' },
  { name: 'idle (waiting on I/O or timers)', match: (fn) => fn === '(idle)' },
];

export function summarizeCpuProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const frame = (id: number) => {
    const node = byId.get(id);
    if (!node) throw new Error(`malformed CPU profile ${file}: no node ${id}`);
    return node.callFrame;
  };
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Self time per node: each sample's delta belongs to the node sampled.
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));

  const categoryOf = new Map<number, string>();
  const categorize = (id: number): string => {
    const known = categoryOf.get(id);
    if (known) return known;
    const leaf = frame(id).functionName;
    // better-sqlite3's transaction wrapper: its own time is BEGIN/COMMIT, i.e. writing the pages to the WAL (and checkpoints).
    if (leaf === 'sqliteTransaction') {
      const name = `SQLite commits (WAL page writes, auto-checkpoints) under ${commitOwner(id)}`;
      categoryOf.set(id, name);
      return name;
    }
    let best = CATEGORIES.length;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const { functionName, url } = frame(at);
      const index = CATEGORIES.findIndex((category) => category.match(functionName, url));
      if (index >= 0 && index < best) best = index;
    }
    const name = best < CATEGORIES.length ? CATEGORIES[best].name : 'other (Node internals, event loop, I/O callbacks)';
    categoryOf.set(id, name);
    return name;
  };

  const commitOwner = (id: number): string => {
    for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
      const fn = frame(at).functionName;
      if (fn === 'applyBatch' || fn === 'advanceTo') return 'projections';
      if (fn === 'appendBatch') return 'appends';
    }
    return 'other';
  };

  const categoryUs = new Map<string, number>();
  const functionUs = new Map<string, number>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    totalUs += us;
    const category = categorize(id);
    categoryUs.set(category, (categoryUs.get(category) ?? 0) + us);
    // Line numbers would be those of SWC's output, not of the sources: the file says enough.
    const { functionName, url } = frame(id);
    const where = url ? shortUrl(url) : '';
    const fn = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    functionUs.set(fn, (functionUs.get(fn) ?? 0) + us);
  }
  const rank = (entries: Map<string, number>, limit: number) =>
    [...entries.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), percent: round1((us / totalUs) * 100) }));
  return {
    totalMs: Math.round(totalUs / 1000),
    categories: rank(categoryUs, 50),
    topSelf: rank(functionUs, top).map(({ name, ms, percent }) => ({ fn: name, ms, percent })),
  };
}

/** The path from the repository (or node_modules) on, not the machine's absolute path. */
function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('node_modules/');
  if (modules >= 0) return path.slice(modules + 'node_modules/'.length);
  const repo = /\/(libs|apps|tools)\//.exec(path);
  return repo ? path.slice(repo.index + 1) : path;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
