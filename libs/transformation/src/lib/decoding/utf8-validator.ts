import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';

/**
 * Checks a byte stream chunk by chunk for valid UTF-8. A multi-byte sequence may be split between
 * two chunks, so an incomplete sequence at the end of a chunk is carried over to the next one
 * instead of being judged on its own.
 */
export class Utf8Validator {
  private carry: Buffer | undefined;
  private ok = true;

  get valid(): boolean {
    return this.ok;
  }

  /** Returns false as soon as the bytes seen so far cannot be UTF-8. */
  push(chunk: Buffer): boolean {
    if (!this.ok) return false;
    const bytes = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    const cut = incompleteTailStart(bytes);
    // Copy the tail: the chunk's memory may be reused by the stream.
    this.carry = cut < bytes.length ? Buffer.from(bytes.subarray(cut)) : undefined;
    this.ok = isUtf8(bytes.subarray(0, cut));
    return this.ok;
  }

  /** The input ended: a sequence still waiting for its continuation bytes is invalid. */
  end(): boolean {
    if (this.carry) this.ok = false;
    this.carry = undefined;
    return this.ok;
  }
}

/**
 * Index where a trailing, not yet complete multi-byte sequence starts (bytes.length when the buffer
 * ends on a boundary). Anything malformed is left in place for isUtf8 to reject.
 */
function incompleteTailStart(bytes: Buffer): number {
  let lead = bytes.length - 1;
  // A sequence is at most 4 bytes: at most 3 continuation bytes (10xxxxxx) follow its lead byte.
  while (lead >= 0 && bytes.length - lead <= 3 && (bytes[lead] & 0xc0) === 0x80) lead--;
  if (lead < 0) return bytes.length;
  const byte = bytes[lead];
  const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
  return bytes.length - lead < needed ? lead : bytes.length;
}

/** Streams the file from `start` and tells whether all of it is valid UTF-8; stops at the first bad byte. */
export async function isUtf8File(filePath: string, start = 0): Promise<boolean> {
  const validator = new Utf8Validator();
  const stream = createReadStream(filePath, { start, highWaterMark: 1024 * 1024 });
  try {
    for await (const chunk of stream) {
      if (!validator.push(chunk as Buffer)) return false;
    }
  } finally {
    stream.destroy();
  }
  return validator.end();
}

/**
 * A decoded character that is neither ASCII nor U+FFFD: a non-fatal TextDecoder gives one only for
 * a valid multi-byte sequence (bad bytes become U+FFFD; a genuine U+FFFD is passed over).
 */
const FROM_MULTI_BYTE_SEQUENCE = /[^\p{ASCII}\uFFFD]/u;

/** Whether the bytes hold at least one valid UTF-8 multi-byte sequence, whatever else they hold. */
export function containsUtf8Sequence(bytes: Buffer): boolean {
  return FROM_MULTI_BYTE_SEQUENCE.test(new TextDecoder().decode(bytes));
}

/** containsUtf8Sequence for a file, streamed from `start`; stops at the first sequence found. */
export async function fileContainsUtf8Sequence(filePath: string, start = 0): Promise<boolean> {
  const decoder = new TextDecoder(); // its stream mode joins a sequence split between chunks
  const stream = createReadStream(filePath, { start, highWaterMark: 1024 * 1024 });
  try {
    for await (const chunk of stream) {
      if (FROM_MULTI_BYTE_SEQUENCE.test(decoder.decode(chunk as Buffer, { stream: true }))) return true;
    }
  } finally {
    stream.destroy();
  }
  return FROM_MULTI_BYTE_SEQUENCE.test(decoder.decode());
}
