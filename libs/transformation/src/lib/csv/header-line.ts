import type { CsvDelimiter } from '../types';

/** In order of preference when counts tie (a header with one column has none of them: comma). */
const CANDIDATES: readonly CsvDelimiter[] = [',', ';', '\t'];

export interface HeaderLine {
  /** The candidate that occurs most often outside double quotes in the header line. */
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
 * header only, because data cells (addresses, free text) contain commas freely.
 */
export function sniffHeaderLine(text: string): HeaderLine {
  const lines = text.split(/\r\n|\r|\n/);
  const complete = lines.length - 1; // the last piece may be cut short by the sample's size
  let blankLinesBefore = 0;
  while (blankLinesBefore < complete && lines[blankLinesBefore].trim() === '') blankLinesBefore++;
  return { delimiter: detectDelimiter(lines[blankLinesBefore]), blankLinesBefore, lineBreak: lineBreakOf(text) };
}

/** A bare CR (classic Mac OS) when the first line break is one, else LF. */
function lineBreakOf(text: string): LineBreak {
  const first = /\r\n?|\n/.exec(text);
  // A CR that ends the sample may be the first half of a CRLF cut short.
  return first?.[0] === '\r' && first.index < text.length - 1 ? '\r' : '\n';
}

function detectDelimiter(headerLine: string): CsvDelimiter {
  const counts = new Map<string, number>(CANDIDATES.map((c) => [c, 0]));
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted; // a doubled quote toggles twice: still the same state
    else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) ?? 0) + 1);
  }
  let best: CsvDelimiter = CANDIDATES[0];
  for (const candidate of CANDIDATES) {
    if ((counts.get(candidate) ?? 0) > (counts.get(best) ?? 0)) best = candidate;
  }
  return best;
}
