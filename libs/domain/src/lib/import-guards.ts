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
  /** With "disable missing", a file with fewer rows than this share of the source's last completed import (see PlanFacts.previousRows) needs approval. */
  minRowRatio: number;
}

export const DEFAULT_GUARD_THRESHOLDS: GuardThresholds = {
  maxDisables: 500,
  maxDisableRatio: 0.2,
  minActiveUsersForRatio: 100,
  minRowRatio: 0.5,
};

export interface PlanFacts {
  /** Users the plan disables (missing from the file, or Inactive in it). */
  disables: number;
  /** Active users in the directory when the plan was made. */
  activeUsers: number;
  /** Data rows in this file. */
  rows: number;
  disableMissing: boolean;
  /**
   * Data rows of the same source's last completed import that disabled missing users, else of its
   * last completed import, if there is one.
   */
  previousRows?: number;
  /** That import disabled missing users. */
  previousDisabledMissing?: boolean;
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
  if (plan.disableMissing && plan.previousRows !== undefined && plan.rows < plan.previousRows * limits.minRowRatio) {
    reasons.push(
      `the file has ${plan.rows} rows, fewer than ${limits.minRowRatio * 100} % of the ${plan.previousRows} rows of this source's last completed import` +
        (plan.previousDisabledMissing ? ' that disabled missing users' : ''),
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

function namedRows(rows: readonly number[]): string {
  const named = rows.slice(0, ROWS_NAMED).join(', ');
  return rows.length > ROWS_NAMED ? `rows ${named} and ${rows.length - ROWS_NAMED} more` : `${rows.length === 1 ? 'row' : 'rows'} ${named}`;
}
