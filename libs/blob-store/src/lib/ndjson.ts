import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

/**
 * Reads newline-delimited JSON (records and plans kept as blobs) one value at a time, never the
 * whole file. Splits the decoded chunks itself: node:readline costs more than the JSON parsing
 * at a million lines.
 */
export async function* readNdjson<T>(input: Readable): AsyncIterable<T> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  for await (const chunk of input) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer));
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      if (end > start) yield parseLine<T>(text, start, end);
      start = end + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.end();
  if (rest.trim().length > 0) yield parseLine<T>(rest, 0, rest.length);
}

function parseLine<T>(text: string, start: number, end: number): T {
  // JSON.parse ignores a trailing "\r", so CRLF blobs read the same.
  return JSON.parse(text.slice(start, end)) as T;
}
