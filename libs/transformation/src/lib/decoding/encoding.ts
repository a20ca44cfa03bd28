import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import * as iconv from 'iconv-lite';
import { FileRejectedError } from '../errors';
import type { CsvEncoding } from '../types';
import { fileContainsUtf8Sequence, isUtf8File } from './utf8-validator';

export interface SourceEncoding {
  encoding: CsvEncoding;
  /** Bytes of byte-order mark at the start of the file, skipped when reading. */
  bomLength: number;
}

const BOMS: { encoding: CsvEncoding; bytes: Buffer }[] = [
  { encoding: 'utf-8', bytes: Buffer.from([0xef, 0xbb, 0xbf]) },
  { encoding: 'utf-16le', bytes: Buffer.from([0xff, 0xfe]) },
  { encoding: 'utf-16be', bytes: Buffer.from([0xfe, 0xff]) },
];

const ICONV_NAMES: Record<CsvEncoding, string> = {
  'utf-8': 'utf8',
  'utf-16le': 'utf16le',
  'utf-16be': 'utf16be',
  // Not Node's 'latin1': that is ISO-8859-1, which has no € or ’.
  'windows-1252': 'win1252',
};

/**
 * Decides the file's encoding before any parsing: a BOM names it; without one, a file that looks
 * like UTF-16 is refused (refuseUtf16WithoutBom, naming `fileName`), and the file is windows-1252
 * (spreadsheets on Windows still save CSV so) only when it has no valid UTF-8 multi-byte sequence
 * and is not all UTF-8, else UTF-8. A UTF-8 file with a few stray bytes stays UTF-8: read as
 * windows-1252, every accented name in it would change. Its bad bytes decode to U+FFFD, which
 * validation rejects in the rows that hold them. An explicit encoding wins; its BOM, if present,
 * is still skipped.
 */
export async function detectEncoding(filePath: string, explicit?: CsvEncoding, fileName = basename(filePath)): Promise<SourceEncoding> {
  const head = await readBytes(filePath, 0, UTF16_SNIFF_BYTES);
  const bom = sniffBom(head);
  if (explicit) return { encoding: explicit, bomLength: bom?.encoding === explicit ? bom.bomLength : 0 };
  if (bom) return bom;
  refuseUtf16WithoutBom(head, fileName);
  const utf8 = (await isUtf8File(filePath)) || (await fileContainsUtf8Sequence(filePath));
  return { encoding: utf8 ? 'utf-8' : 'windows-1252', bomLength: 0 };
}

/** The encoding named by a byte-order mark at the start of `head`, if there is one. */
export function sniffBom(head: Buffer): SourceEncoding | undefined {
  const bom = BOMS.find((b) => head.subarray(0, b.bytes.length).equals(b.bytes));
  return bom && { encoding: bom.encoding, bomLength: bom.bytes.length };
}

/** Bytes at the start of a file looked at for the NULs of UTF-16 text. */
export const UTF16_SNIFF_BYTES = 4096;

/**
 * The byte order of UTF-16 text without a byte-order mark, told by its NULs; undefined for other
 * text. UTF-8 and windows-1252 text never holds a NUL, while UTF-16 gives every ASCII character
 * (headers, delimiters, e-mails, line breaks) one: its second byte little-endian, its first
 * big-endian. So at least a quarter of the byte pairs must have a NUL on one side, and the other
 * side at most a quarter as many (a CJK character can end in a NUL byte too).
 */
export function utf16ByItsNuls(head: Buffer): 'utf-16le' | 'utf-16be' | undefined {
  const pairs = Math.floor(head.length / 2);
  let first = 0;
  let second = 0;
  for (let i = 0; i < pairs * 2; i += 2) {
    if (head[i] === 0) first++;
    if (head[i + 1] === 0) second++;
  }
  const dominant = (nuls: number, other: number) => nuls * 4 >= pairs && other * 4 <= nuls;
  if (pairs > 0 && dominant(second, first)) return 'utf-16le';
  if (pairs > 0 && dominant(first, second)) return 'utf-16be';
  return undefined;
}

/**
 * Refuses a file that looks like UTF-16 without a byte-order mark: read as UTF-8 its every other
 * character would be a NUL, and nothing in it would match. (An explicit encoding reads it.)
 */
export function refuseUtf16WithoutBom(head: Buffer, fileName: string): void {
  if (sniffBom(head)) return;
  const encoding = utf16ByItsNuls(head);
  if (!encoding) return;
  const order = encoding === 'utf-16le' ? 'little-endian' : 'big-endian';
  throw new FileRejectedError(fileName, [
    {
      message:
        `the file looks like UTF-16 (${order}) without a byte-order mark: save it as UTF-8, or as UTF-16 with its ` +
        `byte-order mark, or give its encoding (${encoding})`,
    },
  ]);
}

/** Decodes a whole buffer (no BOM handling: pass the bytes after it). */
export function decodeBytes(bytes: Buffer, encoding: CsvEncoding): string {
  return iconv.decode(bytes, ICONV_NAMES[encoding], { stripBOM: false });
}

/**
 * The file's text from just after the BOM: raw bytes for UTF-8 (the CSV parser decodes them, bad
 * bytes as U+FFFD), else decoded text (windows-1252's five undefined bytes as U+FFFD too).
 */
export function openDecoded(filePath: string, source: SourceEncoding): Readable {
  const file = createReadStream(filePath, { start: source.bomLength, highWaterMark: 256 * 1024 });
  if (source.encoding === 'utf-8') return file;
  const decoder = iconv.decodeStream(ICONV_NAMES[source.encoding], { stripBOM: false });
  // pipeline destroys the decoder with any read error, so whoever consumes it sees the error.
  pipeline(file, decoder, () => undefined);
  return decoder as unknown as Readable; // iconv-lite's stream is a Transform, typed loosely
}

/** Decoded text of the first `maxBytes` bytes after the BOM, for sniffing the header line. */
export async function readTextSample(filePath: string, source: SourceEncoding, maxBytes: number): Promise<string> {
  return iconv.decode(await readBytes(filePath, source.bomLength, maxBytes), ICONV_NAMES[source.encoding]);
}

async function readBytes(filePath: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, position);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
