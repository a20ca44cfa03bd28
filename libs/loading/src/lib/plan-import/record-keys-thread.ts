import { on } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { MatchBy } from '@dirsync/domain';

/** The claims pass's part of the records of a blob, a batch at a time: row, key and e-mail, as the records hold them. */
export interface RecordKeysBatch {
  rows: number[];
  /** `profile[matchBy]` of each record, null where it has none. */
  keys: (string | null)[];
  emails: (string | null)[];
}

export interface RecordKeysTuning {
  /** Records per message: large enough that messaging costs little per record. */
  batchRecords?: number;
  /** Batches the thread may send before the reader has taken them: the most it holds in memory. */
  batchesAhead?: number;
}

type ThreadMessage = ({ kind: 'keys' } & RecordKeysBatch) | { kind: 'end' } | { kind: 'error'; message: string };

/**
 * The thread's code, evaluated in it (workerData: file, matchBy, batchRecords, batchesAhead). Plain
 * JavaScript in a string, as WalCheckpointer's is: a module would need its compiled twin beside it.
 * It splits the blob into lines as readNdjson does (JSON.parse ignores a trailing "\r"), parses
 * each and keeps three of its values; a line that is not JSON ends it with an error naming it.
 */
const RECORD_KEYS_LOOP = `
const { parentPort, workerData } = require('node:worker_threads');
const { createReadStream } = require('node:fs');
const { StringDecoder } = require('node:string_decoder');
const { file, matchBy, batchRecords, batchesAhead } = workerData;
let room = batchesAhead;
let wake;
parentPort.on('message', () => {
  room++;
  if (wake) wake();
  wake = undefined;
});
let batch = { kind: 'keys', rows: [], keys: [], emails: [] };
let line = 0;
const take = (text) => {
  line++;
  let record;
  try {
    record = JSON.parse(text);
  } catch (error) {
    throw new Error(file + ': line ' + line + ' is not JSON (' + error.message + ')');
  }
  batch.rows.push(record.row);
  batch.keys.push(record.profile[matchBy] ?? null);
  batch.emails.push(record.profile.email ?? null);
};
const send = async () => {
  while (room === 0) await new Promise((resolve) => (wake = resolve));
  room--;
  parentPort.postMessage(batch);
  batch = { kind: 'keys', rows: [], keys: [], emails: [] };
};
(async () => {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of createReadStream(file)) {
    const text = rest + decoder.write(chunk);
    let start = 0;
    for (let end = text.indexOf('\\n'); end !== -1; end = text.indexOf('\\n', start)) {
      if (end > start) take(text.slice(start, end));
      else line++;
      start = end + 1;
      if (batch.rows.length === batchRecords) await send();
    }
    rest = text.slice(start);
  }
  rest += decoder.end();
  if (rest.trim().length > 0) take(rest);
  if (batch.rows.length > 0) await send();
  parentPort.postMessage({ kind: 'end' });
})().catch((error) => parentPort.postMessage({ kind: 'error', message: error && error.message ? error.message : String(error) }));
`;

const BATCH_RECORDS = 2_000;
const BATCHES_AHEAD = 4;

/**
 * The row, key and e-mail of every record in a records blob (NDJSON of UserRecord), read and
 * parsed on a worker thread, in file order. The claims pass needs nothing else of a record, and
 * parsing whole records was about a quarter of its time on the main thread while the second core
 * had nothing to do (README, round 14). The thread runs at most `batchesAhead` batches ahead and is
 * stopped when the reader stops (at the end, on an error, or when it leaves the loop early).
 */
export async function* readRecordKeysOnThread(file: string, matchBy: MatchBy, tuning: RecordKeysTuning = {}): AsyncGenerator<RecordKeysBatch> {
  const worker = new Worker(RECORD_KEYS_LOOP, {
    eval: true,
    workerData: { file, matchBy, batchRecords: tuning.batchRecords ?? BATCH_RECORDS, batchesAhead: tuning.batchesAhead ?? BATCHES_AHEAD },
  });
  // Queued as they come; an 'error' event (a crash, memory) rejects, an exit ends the loop.
  const messages = on(worker, 'message', { close: ['exit'] }) as AsyncIterableIterator<[ThreadMessage]>;
  try {
    for await (const [message] of messages) {
      if (message.kind === 'end') return;
      if (message.kind === 'error') throw new Error(message.message);
      worker.postMessage('more'); // room for one more batch ahead
      yield { rows: message.rows, keys: message.keys, emails: message.emails };
    }
    throw new Error('the records thread stopped before the end of the blob');
  } finally {
    await worker.terminate();
  }
}
