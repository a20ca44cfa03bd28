import { parentPort, workerData } from 'node:worker_threads';
import { SqliteEventStore } from '@dirsync/event-store/sqlite';
import { DirectoryProjection } from '../directory/directory.projection';
import { createDirectoryIndexes, createReportIndexes, openReadModelDb } from '../read-model-db';
import { readModelProjections } from '../read-model-projections';
import { ProjectionRunner } from './projection-runner';
import type { ProjectionThreadFiles, ProjectionThreadOp, ProjectionThreadReply, ProjectionThreadRequest } from './projection-thread';

// The projection thread (see ProjectionThread): a runner of its own over its own connections, which
// runs the passes the process asks for, one at a time, and answers each with its result.
const port = parentPort;
if (!port) throw new Error('projection-worker runs as a worker thread (see ProjectionThread)');

// Small page caches: the process keeps its own 64 MiB ones, and a pass reads the log in order and
// writes mostly at the ends of the tables. With the default 64 MiB here, a 100k-row import peaked
// at 502 MB instead of about 390.
const LOG_CACHE_MIB = 4;
/** For each of the read models' two files (the directory's and the reports'). */
const READ_MODEL_CACHE_MIB = 8;

const files = workerData as ProjectionThreadFiles;
const store = new SqliteEventStore(files.logFile, { cacheMiB: LOG_CACHE_MIB });
const db = openReadModelDb(files.readModelFile, { cacheMiB: READ_MODEL_CACHE_MIB, createIndexes: false });
const runner = new ProjectionRunner(store, db, readModelProjections(db));

/** The following pass in flight, if any (ProjectionRunner.followWhile). */
let following: { stopped: boolean } | undefined;

port.on('message', (request: ProjectionThreadRequest) => {
  if (request.op === 'stopFollowing') {
    if (following) following.stopped = true;
    return;
  }
  const reply = (answer: Omit<ProjectionThreadReply, 'id'>) => port.postMessage({ id: request.id, ...answer } satisfies ProjectionThreadReply);
  run(request.op).then(
    (result) => reply({ result }),
    (error: Error) => reply({ error: { message: error.message, stack: error.stack } }),
  );
});

function run(op: ProjectionThreadOp): Promise<number> {
  switch (op) {
    case 'catchUp':
      return runner.catchUp();
    case 'follow':
      if (following) following.stopped = true; // one at a time: the process waits for the last to end
      following = { stopped: false };
      return runner.follow(following);
    case 'resetForRebuild':
      runner.resetForRebuild();
      return Promise.resolve(0);
    case 'rebuildDirectory':
      return rebuildDirectory();
    case 'createReportIndexes':
      createReportIndexes(db);
      return Promise.resolve(0);
    case 'close':
      return close();
  }
}

/**
 * The directory's half of a rebuild, straight into its file (the process projects the other read
 * models into theirs): a runner of its own for the directory alone, which leaves the indexes alone
 * until the end, where they are sorted once.
 */
async function rebuildDirectory(): Promise<number> {
  const applied = await new ProjectionRunner(store, db, [new DirectoryProjection(db)], { manageIndexes: false }).catchUp();
  createDirectoryIndexes(db);
  return applied;
}

async function close(): Promise<number> {
  await runner.stop();
  await store.close();
  db.close();
  return 0;
}
