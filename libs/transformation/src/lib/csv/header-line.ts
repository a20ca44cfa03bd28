import type { CsvDelimiter } from '../types';

/** In order of preference when counts tie (a header with one column has none of them: comma). */
const CANDIDATES: readonly CsvDelimiter[] = [',', ';', '\t'];

export interface HeaderLine {
  /** The candidate that occurs most often outside double quotes in the header line. */
  delimiter: CsvDelimiter;
  /** Blank lines before the header, which the parser is told to skip so the header is its first record. */
  blankLinesBefore: number;
}

/**
 * Looks at the start of the file's text to find the header line. The delimiter is guessed from the
 * header only, because data cells (addresses, free text) contain commas freely.
 */
export function sniffHeaderLine(text: string): HeaderLine {
  const lines = text.split(/\r\n|\r|\n/);
  const complete = lines.length - 1; // the last piece may be cut short by the sample's size
  let blankLinesBefore = 0;
  while (blankLinesBefore < complete && lines[blankLinesBefore].trim() === '') blankLinesBefore++;
  return { delimiter: detectDelimiter(lines[blankLinesBefore]), blankLinesBefore };
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
