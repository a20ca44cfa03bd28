import { isUtf8 } from 'node:buffer';
import { open } from 'node:fs/promises';
import { decodeBytes, refuseUtf16WithoutBom, sniffBom, UTF16_SNIFF_BYTES, type SourceEncoding } from '../decoding/encoding';
import { containsUtf8Sequence } from '../decoding/utf8-validator';
import { FileRejectedError } from '../errors';
import type { CsvEncoding } from '../types';

/** fast-xml-parser reads a whole document in memory, so the file's size is capped before reading. */
// XML is parsed whole (fast-xml-parser does not stream): 20 MiB keeps a parse near 300 MB of memory. CSV streams at any size.
export const DEFAULT_MAX_XML_BYTES = 20 * 1024 * 1024;

/**
 * Encodings an `encoding="…"` in the XML declaration may name. ISO-8859-1 is read as windows-1252,
 * its superset for every printable character (as browsers do). `us-ascii` is a subset of both, so
 * the bytes decide as if nothing were declared.
 */
const DECLARED_ENCODINGS: Readonly<Record<string, CsvEncoding | 'detect'>> = {
  'utf-8': 'utf-8',
  utf8: 'utf-8',
  'windows-1252': 'windows-1252',
  cp1252: 'windows-1252',
  'iso-8859-1': 'windows-1252',
  'iso8859-1': 'windows-1252',
  'iso_8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'us-ascii': 'detect',
  ascii: 'detect',
};

const DECLARATION = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*(["'])([^"']*)\1/;

export interface XmlSource {
  text: string;
  encoding: CsvEncoding;
}

/**
 * Reads and decodes an XML file, refusing before any parsing: a file over `maxBytes` (checked on
 * the file's size, before a byte is read), bytes that are not the declared encoding, and any
 * `<!DOCTYPE` or `<!ENTITY` (entity expansion is how "billion laughs" and external-entity attacks
 * work; a user file never needs either).
 *
 * Encoding, first match wins: `explicit`; a byte-order mark; UTF-16 without a BOM (the document
 * starts with `<?` in UTF-16, as the XML specification's autodetection reads it); the XML
 * declaration's `encoding`, when UTF-8, windows-1252 or ISO-8859-1 (any other is refused rather
 * than misread); else, as for CSV, UTF-8 when the file has any valid UTF-8 multi-byte sequence or
 * is all ASCII, otherwise windows-1252. A file read as UTF-8 must be valid UTF-8 throughout.
 */
export async function readXmlSource(
  filePath: string,
  fileName: string,
  maxBytes: number,
  explicit?: CsvEncoding,
): Promise<XmlSource> {
  const bytes = await readCapped(filePath, fileName, maxBytes);
  const source = chooseEncoding(bytes, fileName, explicit);
  const body = bytes.subarray(source.bomLength);
  if (source.encoding === 'utf-8' && !isUtf8(body)) {
    throw new FileRejectedError(fileName, [
      {
        message:
          'the file is not valid UTF-8, as its byte-order mark, XML declaration, chosen encoding or other UTF-8 characters say it is; ' +
          'save it as UTF-8, or declare encoding="windows-1252" if that is how it was saved',
      },
    ]);
  }
  // A BOM the explicit encoding did not expect decodes to U+FEFF, which is not allowed before `<?xml`.
  const text = decodeBytes(body, source.encoding).replace(/^\uFEFF/, '');
  refuseDoctype(text, fileName);
  return { text, encoding: source.encoding };
}

async function readCapped(filePath: string, fileName: string, maxBytes: number): Promise<Buffer> {
  const handle = await open(filePath, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) {
      throw new FileRejectedError(fileName, [
        {
          message:
            `the file is ${formatBytes(size)}, larger than the ${formatBytes(maxBytes)} limit for XML files ` +
            '(XML is parsed in memory; split the file or use CSV, which is read row by row)',
        },
      ]);
    }
    // Never more than the size checked above, even if the file grows meanwhile.
    const bytes = Buffer.alloc(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await handle.read(bytes, filled, size - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return bytes.subarray(0, filled);
  } finally {
    await handle.close();
  }
}

function chooseEncoding(bytes: Buffer, fileName: string, explicit?: CsvEncoding): SourceEncoding {
  const bom = sniffBom(bytes.subarray(0, 4));
  if (explicit) return { encoding: explicit, bomLength: bom?.encoding === explicit ? bom.bomLength : 0 };
  if (bom) return bom;
  if (bytes[0] === 0x3c && bytes[1] === 0 && bytes[2] === 0x3f && bytes[3] === 0) return { encoding: 'utf-16le', bomLength: 0 };
  if (bytes[0] === 0 && bytes[1] === 0x3c && bytes[2] === 0 && bytes[3] === 0x3f) return { encoding: 'utf-16be', bomLength: 0 };
  // Without "<?" to go by, its byte order would be a guess.
  refuseUtf16WithoutBom(bytes.subarray(0, UTF16_SNIFF_BYTES), fileName);

  const declared = DECLARATION.exec(bytes.subarray(0, 1024).toString('latin1'))?.[2];
  if (declared !== undefined) {
    const encoding = DECLARED_ENCODINGS[declared.trim().toLowerCase()];
    if (!encoding) {
      throw new FileRejectedError(fileName, [
        {
          message:
            `the XML declaration names encoding "${declared.slice(0, 40)}", which is not supported here; ` +
            'save the file as UTF-8 (or UTF-16 with a byte-order mark, or windows-1252)',
        },
      ]);
    }
    if (encoding !== 'detect') return { encoding, bomLength: 0 };
  }
  // As for CSV: windows-1252 only when no character of the file is UTF-8.
  return { encoding: isUtf8(bytes) || containsUtf8Sequence(bytes) ? 'utf-8' : 'windows-1252', bomLength: 0 };
}

/** Refuses a document type declaration or entity definition anywhere, before the parser sees it. */
function refuseDoctype(text: string, fileName: string): void {
  const found = /<!(DOCTYPE|ENTITY)/i.exec(text);
  if (!found) return;
  const line = lineAt(text, found.index);
  throw new FileRejectedError(fileName, [
    {
      message:
        `line ${line}: the file contains <!${found[1].toUpperCase()}; document type declarations and entity ` +
        'definitions are refused (they can expand to huge text or read other files); remove them',
    },
  ]);
}

/** 1-based line of a character offset. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let at = text.indexOf('\n'); at !== -1 && at < index; at = text.indexOf('\n', at + 1)) line++;
  return line;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'KiB'] : [bytes / (1024 * 1024), 'MiB'];
  return `${Number(value.toFixed(1))} ${unit} (${bytes} bytes)`;
}
