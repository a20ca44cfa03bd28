import { MATCH_KEYS, type MatchBy } from './import-options';
import type { UserRecord } from './user';

/**
 * What one valid row claims, as the transformation writes it beside the full records: its row and
 * the fields a user can be matched by (identifier, e-mail, username: MATCH_KEYS order), as mapped.
 * Planning's first pass needs nothing else, and reading these short arrays costs a fraction of
 * parsing every record a second time.
 */
export type RecordKeys = [row: number, identifier: string | null, email: string | null, username: string | null];

export function recordKeysOf({ row, profile }: UserRecord): RecordKeys {
  return [row, profile.identifier ?? null, profile.email ?? null, profile.username ?? null];
}

/** Reads the value of one match field from RecordKeys: `keyReader('email')(keys)`. */
export function keyReader(field: MatchBy): (keys: RecordKeys) => string | undefined {
  const index = 1 + MATCH_KEYS.indexOf(field); // never 0, the row
  return (keys) => (keys[index] as string | null) ?? undefined;
}
