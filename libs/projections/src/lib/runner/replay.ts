import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { workerModule } from '@dirsync/worker-threads';
import type { ReadModelDb } from '../read-model-db';
import type { ProjectionRunner } from './projection-runner';
import { lockRebuild } from './rebuild-lock';

/**
 * Each read model as ordered rows; storage-only columns (autoincrement, sort helpers, the numbers
 * imports are referred to by) are left out.
 */
const READ_MODELS: Record<string, string> = {
  directory: 'SELECT * FROM users ORDER BY id',
  imports: `SELECT id, status, file_name, sha256, size, format, options, source, source_key, plan_number, decision, reverted, requested_by,
    requested_at, encoding, total_rows, valid_rows, warnings, counts, dry_run, failure, completed_at FROM imports ORDER BY id`,
  'import-rows': `SELECT i.id AS import_id, r.row, r.key, r.email, r.user_id, r.outcome, r.reasons, r.warnings, r.changes, r.plan_offset, r.plan_length,
    r.plan_number FROM imports i JOIN import_rows r ON r.import_number = i.number ORDER BY i.id, r.ord, r.seq`,
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

/** What the checksum thread answers (see checksum-worker). */
export type ChecksumReply = { checksums: ReadModelChecksums } | { error: { message: string; stack?: string } };

/**
 * The same checksums, read on a thread of its own over a read-only connection to the files: the
 * process (the admin API) goes on serving meanwhile. Read models in memory are the connection's
 * alone, and read here.
 */
export async function readModelChecksumsOnThread(db: ReadModelDb): Promise<ReadModelChecksums> {
  if (db.memory) return readModelChecksums(db);
  const { entry, ...loader } = workerModule(__dirname, 'checksum-worker');
  const worker = new Worker(entry, { workerData: db.name, ...loader });
  try {
    const exited = once(worker, 'exit').then(([code]) => Promise.reject(new Error(`the checksum thread stopped (exit code ${code})`)));
    const [reply] = (await Promise.race([once(worker, 'message'), exited])) as [ChecksumReply];
    if ('error' in reply) throw Object.assign(new Error(reply.error.message), { stack: reply.error.stack });
    return reply.checksums;
  } finally {
    await worker.terminate();
  }
}

/**
 * Brings the read models up to date, checksums them, rebuilds them from the whole log and checksums
 * again, holding the rebuild lock throughout: no other rebuild resets them between the two looks.
 */
export async function replayAndCompare(runner: ProjectionRunner, db: ReadModelDb): Promise<ReplayReport> {
  const lock = lockRebuild(db);
  try {
    await runner.catchUp();
    const before = await readModelChecksumsOnThread(db);
    const events = await runner.rebuild(lock);
    const after = await readModelChecksumsOnThread(db);
    const identical = Object.keys(before).every((name) => before[name].sha256 === after[name].sha256);
    return { events, before, after, identical };
  } finally {
    lock.release();
  }
}
