import { createReadStream } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { readNdjsonBatches } from '@dirsync/blob-store/core';
import type { UserRecord } from '@dirsync/domain';
import { BatchSender, serializeError } from '@dirsync/worker-threads';
import type { RecordKeysBatch, RecordKeysJob } from './record-keys-thread';
import { ReservedUsernames } from './reserved-usernames';

// The records thread (see readRecordKeysOnThread): reads the blob with readNdjsonBatches and sends each
// record's row, key and e-mail in batches, never more than `batchesAhead` that the reader has not taken;
// the last batch also carries the usernames the records give, as the hashes of a ReservedUsernames.
const port = parentPort;
if (!port) throw new Error('record-keys-worker runs as a worker thread (see readRecordKeysOnThread)');

const job = workerData as RecordKeysJob;
const sender = new BatchSender<RecordKeysBatch>(port, job.batchesAhead);
const emptyBatch = (): RecordKeysBatch => ({ rows: [], keys: [], emails: [] });

async function run(): Promise<void> {
  let batch = emptyBatch();
  const reserved = ReservedUsernames.forNames(job.records);
  for await (const records of readNdjsonBatches<UserRecord>(createReadStream(job.file))) {
    for (const record of records) {
      batch.rows.push(record.row);
      batch.keys.push(record.profile[job.matchBy] ?? null);
      batch.emails.push(record.profile.email ?? null);
      reserved.add(record.profile.username);
      if (batch.rows.length === job.batchRecords) {
        await sender.send(batch);
        batch = emptyBatch();
      }
    }
  }
  batch.reservedUsernames = reserved.hashes();
  await sender.send(batch);
}

run().then(
  () => sender.end(),
  // readNdjsonBatches names the line of a bad record; the file is named here.
  (error: unknown) => sender.fail(serializeError(error instanceof SyntaxError ? new SyntaxError(`${job.file}: ${error.message}`) : error)),
);
