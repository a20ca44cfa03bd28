import { parentPort, workerData } from 'node:worker_threads';
import { openDecoded } from '../decoding/encoding';
import { readCsvRows } from './csv-rows';
import { serialize, type CsvThreadJob, type CsvThreadMessage } from './csv-rows-thread';

// The CSV parsing thread (see CsvRowsThread): reads the file with readCsvRows and sends its rows in
// batches, never more than `batchesAhead` that the reader has not taken yet.
const port = parentPort;
if (!port) throw new Error('csv-rows-worker runs as a worker thread (see CsvRowsThread)');

const job = workerData as CsvThreadJob;
let room = job.batchesAhead;
let wake: (() => void) | undefined;

port.on('message', () => {
  room++;
  wake?.();
  wake = undefined;
});

const send = (message: CsvThreadMessage) => port.postMessage(message);

async function sendWhenRoom(rows: number[], cells: string[][]): Promise<void> {
  while (room === 0) await new Promise<void>((resolve) => (wake = resolve));
  room--;
  send({ kind: 'rows', rows, cells });
}

async function run(): Promise<void> {
  let rows: number[] = [];
  let cells: string[][] = [];
  for await (const record of readCsvRows(openDecoded(job.filePath, job.source), job.csv)) {
    rows.push(record.row);
    cells.push(record.cells);
    if (rows.length === job.batchRows) {
      await sendWhenRoom(rows, cells);
      rows = [];
      cells = [];
    }
  }
  if (rows.length > 0) await sendWhenRoom(rows, cells);
  send({ kind: 'end' });
}

run().catch((error: unknown) => send({ kind: 'error', error: serialize(error) }));
