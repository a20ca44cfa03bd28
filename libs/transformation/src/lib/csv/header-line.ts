import { parse } from 'csv-parse/sync';
import type { CsvDelimiter } from '../types';

/** In order of preference when counts tie (a header with one column has none of them: comma). */
const CANDIDATES: readonly CsvDelimiter[] = [',', ';', '\t'];

export interface HeaderLine {
  /**
   * The candidate that occurs most often outside double quotes in the header line, unless only a
   * rarer one splits it into a usable header (see sniffHeaderLine).
   */
  delimiter: CsvDelimiter;
  /** Blank lines before the header, which the parser is told to skip so the header is its first record. */
  blankLinesBefore: number;
  /**
   * What ends the file's records: LF, which ends CRLF lines too (the CR is trimmed), so a file
   * whose lines end either way splits right; a bare CR only for a file whose first line ends so.
   */
  lineBreak: LineBreak;
}

export type LineBreak = '\n' | '\r';

/**
 * Looks at the start of the file's text to find the header line. The delimiter is guessed from the
 * header only, because data cells (addresses, free text) contain commas freely. Header cells may
 * hold another candidate too (`email;Apellidos, Nombre`): when the most frequent one does not give
 * a `usable` header (its key column, say) and a rarer one does, the rarer one is the delimiter.
 */
export function sniffHeaderLine(text: string, usable?: (cells: string[]) => boolean): HeaderLine {
  const lines = text.split(/\r\n|\r|\n/);
  const complete = lines.length - 1; // the last piece may be cut short by the sample's size
  let blankLinesBefore = 0;
  while (blankLinesBefore < complete && lines[blankLinesBefore].trim() === '') blankLinesBefore++;
  const header = lines[blankLinesBefore];
  const ranked = rankDelimiters(header);
  const delimiter = (usable && ranked.find((candidate) => usable(splitHeader(header, candidate)))) || ranked[0];
  return { delimiter, blankLinesBefore, lineBreak: lineBreakOf(text) };
}

/** The header's cells split by `delimiter`; none when it cannot be read so. */
function splitHeader(header: string, delimiter: CsvDelimiter): string[] {
  try {
    return (parse(header, { delimiter, to_line: 1 }) as string[][])[0] ?? [];
  } catch {
    return [];
  }
}

/** A bare CR (classic Mac OS) when the first line break is one, else LF. */
function lineBreakOf(text: string): LineBreak {
  const first = /\r\n?|\n/.exec(text);
  // A CR that ends the sample may be the first half of a CRLF cut short.
  return first?.[0] === '\r' && first.index < text.length - 1 ? '\r' : '\n';
}

/** The candidates found outside double quotes in the header line, most frequent first (comma when none is). */
function rankDelimiters(headerLine: string): CsvDelimiter[] {
  const counts = new Map<string, number>(CANDIDATES.map((c) => [c, 0]));
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted; // a doubled quote toggles twice: still the same state
    else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  const count = (candidate: CsvDelimiter) => counts.get(candidate) ?? 0;
  // A stable sort: ties keep the order of preference.
  const found = CANDIDATES.filter((candidate) => count(candidate) > 0).sort((a, b) => count(b) - count(a));
  return found.length > 0 ? found : [CANDIDATES[0]];
}
