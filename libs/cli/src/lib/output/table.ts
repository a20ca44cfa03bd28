import { printable } from './printable';

/** A plain text table for terminals: columns padded to their widest cell, whose text is made printable. */
export function formatTable(headers: string[], cellsOfRows: string[][]): string {
  const rows = cellsOfRows.map((cells) => cells.map((cell) => printable(cell ?? '')));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
