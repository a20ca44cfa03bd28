/**
 * Username for a user whose row gives none: the e-mail's local part, lower-cased, then a numeric
 * suffix (2, 3, …) until `isTaken` says it is free.
 */
export function generateUsername(email: string, isTaken: (candidate: string) => boolean): string {
  const base = email.split('@')[0].trim().toLowerCase() || 'user';
  if (!isTaken(base)) return base;
  for (let suffix = 2; ; suffix++) {
    const candidate = `${base}${suffix}`;
    if (!isTaken(candidate)) return candidate;
  }
}
