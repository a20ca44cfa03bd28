import { parentPort, workerData } from 'node:worker_threads';
import { BatchSender } from '@dirsync/worker-threads';
import { openDecoded } from '../decoding/encoding';
import { readCsvRows } from './csv-rows';
import { serialize, type CsvRowsBatch, type CsvThreadJob, type ThreadError } from './csv-rows-thread';

// The CSV parsing thread (see CsvRowsThread): reads the file with readCsvRows and sends its rows in
// batches, never more than `batchesAhead` that the reader has not taken yet.
const port = parentPort;
if (!port) throw new Error('csv-rows-worker runs as a worker thread (see CsvRowsThread)');

const job = workerData as CsvThreadJob;
const sender = new BatchSender<CsvRowsBatch, ThreadError>(port, job.batchesAhead);

async function run(): Promise<void> {
  let batch: CsvRowsBatch = { rows: [], cells: [] };
  for await (const record of readCsvRows(openDecoded(job.filePath, job.source), job.csv)) {
    batch.rows.push(record.row);
    batch.cells.push(record.cells);
    if (batch.rows.length === job.batchRows) {
      await sender.send(batch);
      batch = { rows: [], cells: [] };
    }
  }
  if (batch.rows.length > 0) await sender.send(batch);
}

run().then(
  () => sender.end(),
  (error: unknown) => sender.fail(serialize(error)),
);
