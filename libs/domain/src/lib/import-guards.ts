/**
 * Guards against the imports that hurt most: a truncated or wrong file that would disable a large
 * part of the directory. Peers stop at similar thresholds (Entra Connect: 500 deletions; Okta:
 * 20 % of users from 100 users up). A guarded import waits for an administrator's approval.
 */
export interface GuardThresholds {
  /** More disables than this needs approval. */
  maxDisables: number;
  /** A larger share of the active users disabled needs approval… */
  maxDisableRatio: number;
  /** …once there are at least this many active users. */
  minActiveUsersForRatio: number;
  /** With "disable missing", a file naming fewer users than this share of the source's last completed import's (see PlanFacts.previous) needs approval. */
  minRowRatio: number;
}

export const DEFAULT_GUARD_THRESHOLDS: GuardThresholds = {
  maxDisables: 500,
  maxDisableRatio: 0.2,
  minActiveUsersForRatio: 100,
  minRowRatio: 0.5,
};

/**
 * How large an import's file is, for the guard on short files. What counts is the users it names:
 * rows repeating a key (or with no valid key) add rows, not users, so a truncated export padded
 * with copies of its lines is still short. An import recorded before those were counted has only
 * its rows: a count that can only be larger, so the guard errs towards asking.
 */
export interface FileSize {
  /** Data rows. */
  rows: number;
  /** Distinct users named: the rows with a valid key, each key counted once. */
  namedUsers?: number;
}

export interface PlanFacts {
  /** Users the plan disables (missing from the file, or Inactive in it). */
  disables: number;
  /** Active users in the directory when the plan was made. */
  activeUsers: number;
  /** This file's size. */
  file: FileSize;
  disableMissing: boolean;
  /**
   * The size of the same source's last completed import that disabled missing users, else of its
   * last completed import, if there is one.
   */
  previous?: FileSize & { disabledMissing?: boolean };
  /**
   * Rows the transformation rejected without a valid key, by row number: before it could read
   * their key (a wrong number of values, an empty key cell), or for the key cell itself (an e-mail
   * key that is not an address). The users they name cannot be told apart from users missing from
   * the file. Default none.
   */
  rejectedWithoutKey?: readonly number[];
}

/** Row numbers a reason names before it says how many more there are. */
const ROWS_NAMED = 5;

/** Why the plan must wait for approval; empty when it may be applied at once. */
export function guardReasons(plan: PlanFacts, limits: GuardThresholds = DEFAULT_GUARD_THRESHOLDS): string[] {
  const reasons: string[] = [];
  if (plan.disables > limits.maxDisables) {
    reasons.push(`the import would disable ${plan.disables} users, more than ${limits.maxDisables}`);
  }
  if (plan.activeUsers >= limits.minActiveUsersForRatio && plan.disables > plan.activeUsers * limits.maxDisableRatio) {
    const percent = ((plan.disables / plan.activeUsers) * 100).toFixed(1);
    reasons.push(
      `the import would disable ${plan.disables} of ${plan.activeUsers} active users (${percent} %, more than ${limits.maxDisableRatio * 100} %)`,
    );
  }
  const { file, previous } = plan;
  if (plan.disableMissing && previous && sizeOf(file) < sizeOf(previous) * limits.minRowRatio) {
    reasons.push(
      `${describeFile(file)}, fewer than ${limits.minRowRatio * 100} % of the ${describeSize(previous)} of this source's last completed import` +
        (previous.disabledMissing ? ' that disabled missing users' : '') +
        (previous.namedUsers === undefined && file.namedUsers !== undefined ? ' (recorded before distinct users were counted)' : ''),
    );
  }
  // A bad row must not cost its user their account: whoever it names would be disabled as missing.
  const unkeyed = plan.rejectedWithoutKey ?? [];
  if (plan.disableMissing && plan.disables > 0 && unkeyed.length > 0) {
    reasons.push(
      `${unkeyed.length === 1 ? '1 row was' : `${unkeyed.length} rows were`} rejected without a valid key (${namedRows(unkeyed)}): ` +
        `the users they name cannot be told apart from missing ones, and the import would disable ${plan.disables} ${plan.disables === 1 ? 'user' : 'users'}`,
    );
  }
  return reasons;
}

/** Distinct users where they were counted, else rows (see FileSize). */
const sizeOf = (file: FileSize): number => file.namedUsers ?? file.rows;

function describeSize(file: FileSize): string {
  return file.namedUsers === undefined ? counted(file.rows, 'row') : counted(file.namedUsers, 'distinct user');
}

function describeFile(file: FileSize): string {
  if (file.namedUsers === undefined) return `the file has ${counted(file.rows, 'row')}`;
  return `the file names ${counted(file.namedUsers, 'distinct user')} in its ${counted(file.rows, 'row')} (rows with a valid key, each key counted once)`;
}

const counted = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

function namedRows(rows: readonly number[]): string {
  const named = rows.slice(0, ROWS_NAMED).join(', ');
  return rows.length > ROWS_NAMED ? `rows ${named} and ${rows.length - ROWS_NAMED} more` : `${rows.length === 1 ? 'row' : 'rows'} ${named}`;
}
