/** What replaces a secret in logs. */
export const REDACTED = '[REDACTED]';

/** Keys whose values are secrets wherever they appear: headers, bodies, settings. */
const SECRET_KEY = /authorization|cookie|password|passwd|secret|credential|api[-_]?key|(^|[-_])token$|[a-z]Token$|^token$/i;

/** Secrets inside free text: bearer/basic credentials, our API tokens, and secret query parameters. */
const SECRET_TEXT: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  [/\bdsk_[A-Za-z0-9_-]+/g, `dsk_${REDACTED}`],
  [/([?&](?:access_token|token|password|secret|api_key|apikey)=)[^&\s"]+/gi, `$1${REDACTED}`],
];

export function redactText(text: string): string {
  return SECRET_TEXT.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

/** A copy of `value` with every secret replaced by [REDACTED] (by key name, and inside strings). */
export function redact(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[…]';
  if (value instanceof Error) return redact({ name: value.name, message: value.message, stack: value.stack }, depth + 1);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && item !== undefined && item !== null && item !== '' ? REDACTED : redact(item, depth + 1);
  }
  return out;
}
