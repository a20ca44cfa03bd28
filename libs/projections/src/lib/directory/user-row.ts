import type { UserState, UserStatus } from '@dirsync/domain';

/** A `users` row as SQLite returns it. */
export interface UserRow {
  id: string;
  identifier: string | null;
  upn: string | null;
  email: string | null;
  username: string | null;
  person_id: string | null;
  first_name: string | null;
  last_name: string | null;
  title: string | null;
  department: string | null;
  alias: string | null;
  language: string | null;
  manager_email: string | null;
  picture: string | null;
  mingle_picture: string | null;
  status: UserStatus;
  deleted: number;
  security_roles: string;
  generic_properties: string;
  revision: number;
  created_at: string;
  updated_at: string;
  last_import_id: string | null;
}

const optional = (value: string | null): string | undefined => value ?? undefined;

export function rowToUser(row: UserRow): UserState {
  const state: UserState = {
    id: row.id,
    identifier: optional(row.identifier),
    upn: optional(row.upn),
    email: optional(row.email),
    username: optional(row.username),
    personId: optional(row.person_id),
    firstName: optional(row.first_name),
    lastName: optional(row.last_name),
    title: optional(row.title),
    department: optional(row.department),
    alias: optional(row.alias),
    language: optional(row.language),
    managerEmail: optional(row.manager_email),
    picture: optional(row.picture),
    minglePicture: optional(row.mingle_picture),
    status: row.status,
    deleted: row.deleted === 1,
    securityRoles: JSON.parse(row.security_roles),
    genericProperties: JSON.parse(row.generic_properties),
    revision: row.revision,
  };
  // Absent fields stay absent, so a state read back equals the one folded from events.
  for (const key of Object.keys(state) as (keyof UserState)[]) if (state[key] === undefined) delete state[key];
  return state;
}

/** The directory entry as the CLI and the API show it: every field present, null when unset. */
export interface DirectoryUser {
  id: string;
  identifier: string | null;
  upn: string | null;
  email: string | null;
  username: string | null;
  personId: string | null;
  firstName: string | null;
  lastName: string | null;
  title: string | null;
  department: string | null;
  alias: string | null;
  language: string | null;
  managerEmail: string | null;
  picture: string | null;
  minglePicture: string | null;
  status: UserStatus;
  deleted: boolean;
  securityRoles: string[];
  genericProperties: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  lastImportId: string | null;
}

export function rowToDirectoryUser(row: UserRow): DirectoryUser {
  return {
    id: row.id,
    identifier: row.identifier,
    upn: row.upn,
    email: row.email,
    username: row.username,
    personId: row.person_id,
    firstName: row.first_name,
    lastName: row.last_name,
    title: row.title,
    department: row.department,
    alias: row.alias,
    language: row.language,
    managerEmail: row.manager_email,
    picture: row.picture,
    minglePicture: row.mingle_picture,
    status: row.status,
    deleted: row.deleted === 1,
    securityRoles: JSON.parse(row.security_roles),
    genericProperties: JSON.parse(row.generic_properties),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastImportId: row.last_import_id,
  };
}
