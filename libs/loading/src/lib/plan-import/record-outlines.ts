import type { UserProfile, UserRecord } from '@dirsync/domain';

/**
 * A batch of records as the planner needs them when no row can match a directory user (a first
 * import): each row either creates a user or is rejected, and which depends only on its keys
 * (identifier, e-mail, username), its manager and its warnings. The plan-lines thread builds the
 * created users from the whole records, so only these cross to the planner, as columns (cheaper to
 * copy between threads than an object per record). A record that also brings roles or properties
 * (the catalog checks them on the planner's side) or warnings crosses whole.
 */
export interface RecordOutlines {
  rows: number[];
  identifiers: (string | null)[];
  emails: (string | null)[];
  usernames: (string | null)[];
  managerEmails: (string | null)[];
  /** The records that cross whole, by their index in the batch. */
  whole: { index: number; record: UserRecord }[];
}

/** Whether the planner needs the whole record: for its roles and properties, or its warnings. */
export const crossesWhole = (record: UserRecord): boolean =>
  record.securityRoles !== undefined || record.genericProperties !== undefined || (record.warnings?.length ?? 0) > 0;

/** The outlines of a batch of records (on the plan-lines thread). */
export function outlineRecords(records: UserRecord[]): RecordOutlines {
  const outlines: RecordOutlines = { rows: [], identifiers: [], emails: [], usernames: [], managerEmails: [], whole: [] };
  for (const [index, record] of records.entries()) {
    const { profile } = record;
    outlines.rows.push(record.row);
    outlines.identifiers.push(profile.identifier ?? null);
    outlines.emails.push(profile.email ?? null);
    outlines.usernames.push(profile.username ?? null);
    outlines.managerEmails.push(profile.managerEmail ?? null);
    if (crossesWhole(record)) outlines.whole.push({ index, record });
  }
  return outlines;
}

/**
 * The records the planner decides from (on its side): the whole ones as they came, the others with
 * only the fields the outlines hold. Never to build a user's event from (ImportPlanner checks).
 */
export function outlinedRecords(outlines: RecordOutlines): UserRecord[] {
  const records: UserRecord[] = [];
  for (let i = 0; i < outlines.rows.length; i++) {
    const profile: UserProfile = {};
    const identifier = outlines.identifiers[i];
    const email = outlines.emails[i];
    const username = outlines.usernames[i];
    const managerEmail = outlines.managerEmails[i];
    if (identifier !== null) profile.identifier = identifier;
    if (email !== null) profile.email = email;
    if (username !== null) profile.username = username;
    if (managerEmail !== null) profile.managerEmail = managerEmail;
    records.push({ row: outlines.rows[i], profile });
  }
  for (const { index, record } of outlines.whole) records[index] = record;
  return records;
}
