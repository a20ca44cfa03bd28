import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

/** Reads newline-delimited JSON (records and plans kept as blobs) one value at a time, never the whole file. */
export async function* readNdjson<T>(input: Readable): AsyncIterable<T> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.length > 0) yield JSON.parse(line) as T;
  }
}
