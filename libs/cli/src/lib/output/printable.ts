/**
 * Control characters (C0, DEL, C1: ESC starts the sequences that clear a screen or recolour it)
 * and invisible format characters (bidi overrides that reorder what is shown, zero-width ones).
 */
const UNPRINTABLE = /[\p{Cc}\p{Cf}]/gu;

const SHORT_ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Text from a file made safe for a terminal: each control or invisible character written as an
 * escape (`\n`, `\u001b`, `\u200b`), so what the file holds is shown, never acted on.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => SHORT_ESCAPES[char] ?? escapeOf(char.codePointAt(0) ?? 0));
}

function escapeOf(code: number): string {
  const hex = code.toString(16);
  return code > 0xffff ? `\\u{${hex}}` : `\\u${hex.padStart(4, '0')}`;
}
