/** Canonical user model shared by every stage. Plain data, no framework. */

export const USER_STATUSES = ['Active', 'Inactive', 'Draft'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

/** Single-valued profile fields an import can set, in report/column order. */
export const PROFILE_FIELDS = [
  'identifier',
  'upn',
  'email',
  'username',
  'personId',
  'firstName',
  'lastName',
  'title',
  'department',
  'alias',
  'language',
  'managerEmail',
  'picture',
  'minglePicture',
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

export type UserProfile = { [K in ProfileField]?: string };

/** Fields that can change in an update, each compared and recorded on its own. */
export type UserField = ProfileField | 'status' | 'securityRoles' | 'genericProperties';
export const USER_FIELDS: readonly UserField[] = [...PROFILE_FIELDS, 'status', 'securityRoles', 'genericProperties'];

export type FieldValue = string | string[] | Record<string, string> | undefined;

export interface UserState extends UserProfile {
  id: string;
  status: UserStatus;
  deleted: boolean;
  securityRoles: string[];
  genericProperties: Record<string, string>;
  /** Revision of the user's stream, for appends with the exact expected revision. */
  revision: number;
}

/**
 * One valid row of an import file, mapped to canonical fields. A field is present only when its
 * cell was non-blank: a blank cell keeps the stored value.
 */
export interface UserRecord {
  /** Spreadsheet row number: the header is row 1, the first user row 2 (in XML, the element's 1-based index). */
  row: number;
  profile: UserProfile;
  status?: UserStatus;
  securityRoles?: string[];
  genericProperties?: Record<string, string>;
  /** Warnings found while mapping the row (e.g. an unknown column value that was ignored). */
  warnings?: string[];
}

/** A row that failed validation; it is reported and never applied. */
export interface RejectedRow {
  /** Spreadsheet row number, as in UserRecord. */
  row: number;
  /** The row's match key as written in the file, when it could be read. */
  key?: string;
  /**
   * The key cell was read (`key` shows it) but is not a valid key, so it names no user for certain:
   * the row counts as rejected without a valid key (see guardReasons).
   */
  keyInvalid?: boolean;
  email?: string;
  reasons: RowProblem[];
}

export interface RowProblem {
  field?: string;
  message: string;
}
