import { createHash } from 'node:crypto';
import type { ReadModelDb } from '../read-model-db';
import type { ProjectionRunner } from './projection-runner';
import { lockRebuild } from './rebuild-lock';

/** Each read model as ordered rows; storage-only columns (autoincrement, sort helpers) are left out. */
const READ_MODELS: Record<string, string> = {
  directory: 'SELECT * FROM users ORDER BY id',
  imports: 'SELECT * FROM imports ORDER BY id',
  'import-rows':
    'SELECT import_id, row, key, email, user_id, outcome, reasons, warnings, changes, plan_offset, plan_length, plan_number FROM import_rows ORDER BY import_id, ord, seq',
  'import-plans': 'SELECT * FROM import_plans ORDER BY import_id, plan_number',
  catalog: 'SELECT * FROM catalog ORDER BY kind, key',
};

export type ReadModelChecksums = Record<string, { rows: number; sha256: string }>;

export interface ReplayReport {
  events: number;
  before: ReadModelChecksums;
  after: ReadModelChecksums;
  /** The rebuilt read models equal the live ones, row for row. */
  identical: boolean;
}

/** A SHA-256 of every row of every read model, so two states can be compared by anyone. */
export function readModelChecksums(db: ReadModelDb): ReadModelChecksums {
  const checksums: ReadModelChecksums = {};
  for (const [name, query] of Object.entries(READ_MODELS)) {
    const hash = createHash('sha256');
    let rows = 0;
    for (const row of db.prepare(query).iterate()) {
      hash.update(JSON.stringify(row)).update('\n');
      rows++;
    }
    checksums[name] = { rows, sha256: hash.digest('hex') };
  }
  return checksums;
}

/**
 * Brings the read models up to date, checksums them, rebuilds them from the whole log and checksums
 * again, holding the rebuild lock throughout: no other rebuild resets them between the two looks.
 */
export async function replayAndCompare(runner: ProjectionRunner, db: ReadModelDb): Promise<ReplayReport> {
  const lock = lockRebuild(db);
  try {
    await runner.catchUp();
    const before = readModelChecksums(db);
    const events = await runner.rebuild(lock);
    const after = readModelChecksums(db);
    const identical = Object.keys(before).every((name) => before[name].sha256 === after[name].sha256);
    return { events, before, after, identical };
  } finally {
    lock.release();
  }
}
