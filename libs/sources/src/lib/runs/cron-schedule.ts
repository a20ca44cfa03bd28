import { CronTime, validateCronExpression } from 'cron';

export type CronVerdict = { ok: true } | { ok: false; problem: 'malformed' | 'never-fires' };

/**
 * Whether a cron expression can be scheduled: it must parse and have a next date. `cron` accepts
 * dates that never come (`0 0 31 2 *`, 31 February) and only throws once a job starts.
 */
export function cronVerdict(expression: string): CronVerdict {
  if (!validateCronExpression(expression).valid) return { ok: false, problem: 'malformed' };
  try {
    new CronTime(expression).sendAt(); // throws when no date is left
    return { ok: true };
  } catch {
    return { ok: false, problem: 'never-fires' };
  }
}
