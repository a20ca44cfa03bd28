import type { FieldValue, UserField, UserProfile, UserStatus } from './user';

/** Stream names. */
export const userStream = (userId: string): string => `user-${userId}`;
export const importStream = (importId: string): string => `import-${importId}`;
export const USER_STREAM_PREFIX = 'user-';
export const IMPORT_STREAM_PREFIX = 'import-';

/** Where an import-caused event came from: the import and the file's row. */
export interface Cause {
  importId?: string;
  row?: number;
}

export interface FieldChange {
  from: FieldValue;
  to: FieldValue;
}
export type FieldChanges = Partial<Record<UserField, FieldChange>>;

export interface UserCreated extends Cause {
  userId: string;
  profile: UserProfile;
  status: UserStatus;
  securityRoles: string[];
  genericProperties: Record<string, string>;
  warnings?: string[];
}
export interface UserUpdated extends Cause {
  userId: string;
  changes: FieldChanges;
  warnings?: string[];
}
export type DisableReason = 'status-in-file' | 'missing-from-file' | 'admin' | 'revert';
export interface UserDisabled extends Cause {
  userId: string;
  reason: DisableReason;
  previousStatus: UserStatus;
}
export interface UserReactivated extends Cause {
  userId: string;
  previousStatus: UserStatus;
}
export interface UserDeleted extends Cause {
  userId: string;
  by?: string;
}
export interface UserRestored extends Cause {
  userId: string;
}

export type UserEvent =
  | { type: 'UserCreated'; data: UserCreated }
  | { type: 'UserUpdated'; data: UserUpdated }
  | { type: 'UserDisabled'; data: UserDisabled }
  | { type: 'UserReactivated'; data: UserReactivated }
  | { type: 'UserDeleted'; data: UserDeleted }
  | { type: 'UserRestored'; data: UserRestored };
export type UserEventType = UserEvent['type'];
export const USER_EVENT_TYPES: readonly UserEventType[] = [
  'UserCreated',
  'UserUpdated',
  'UserDisabled',
  'UserReactivated',
  'UserDeleted',
  'UserRestored',
];
