import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { csvLine, HEADER, rowCells, variantRow, type Variant } from './users';

export interface WriteResult {
  file: string;
  rows: number;
  bytes: number;
}

/** Rows gathered into one write: a million one-row writes would cost more than the rows. */
const ROWS_PER_WRITE = 1_000;

/**
 * Streams `rows` generated users (or a variant of them) to `file`, the Infor-style header first.
 * Never holds more than one batch of lines in memory, and waits for the stream to drain when its
 * buffer is full.
 */
export async function writeUsersCsv(file: string, rows: number, seed: number, variant: Variant = {}): Promise<WriteResult> {
  const out = createWriteStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  let written = 0;
  let bytes = 0;
  const write = async (text: string): Promise<void> => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await Promise.race([once(out, 'drain'), failed]);
  };
  await write(`${csvLine(HEADER)}\n`);
  let batch: string[] = [];
  for (let index = 0; index < rows; index++) {
    const user = variantRow(seed, index, variant);
    if (!user) continue;
    batch.push(csvLine(rowCells(user)));
    written++;
    if (batch.length >= ROWS_PER_WRITE) {
      await write(`${batch.join('\n')}\n`);
      batch = [];
    }
  }
  if (batch.length > 0) await write(`${batch.join('\n')}\n`);
  out.end();
  await Promise.race([once(out, 'close'), failed]);
  return { file, rows: written, bytes };
}
