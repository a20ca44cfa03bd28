import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { DIRECTORY_SCHEMA, directoryFileOf } from '../read-model-db';
import { readModelChecksums, type ChecksumReply } from './replay';

// The checksums of a replay (see readModelChecksumsOnThread), over a read-only connection of their
// own: reading every row of a large directory takes seconds that the process's requests would wait.
const port = parentPort;
if (!port) throw new Error('checksum-worker runs as a worker thread (see readModelChecksumsOnThread)');

const file = workerData as string;
let reply: ChecksumReply;
try {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.prepare(`ATTACH DATABASE ? AS ${DIRECTORY_SCHEMA}`).run(directoryFileOf(file));
    reply = { checksums: readModelChecksums(db) };
  } finally {
    db.close();
  }
} catch (error) {
  reply = { error: { message: (error as Error).message, stack: (error as Error).stack } };
}
port.postMessage(reply);
