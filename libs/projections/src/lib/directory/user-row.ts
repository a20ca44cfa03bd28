import type { UserState, UserStatus } from '@dirsync/domain';
import { matchKey } from '../read-model-db';

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

/** Profile fields and the columns they are stored in, in the order a folded state has them. */
const PROFILE_COLUMNS = [
  ['identifier', 'identifier'],
  ['upn', 'upn'],
  ['email', 'email'],
  ['username', 'username'],
  ['personId', 'person_id'],
  ['firstName', 'first_name'],
  ['lastName', 'last_name'],
  ['title', 'title'],
  ['department', 'department'],
  ['alias', 'alias'],
  ['language', 'language'],
  ['managerEmail', 'manager_email'],
  ['picture', 'picture'],
  ['minglePicture', 'mingle_picture'],
] as const satisfies readonly (readonly [keyof UserState, keyof UserRow])[];

/** The columns of a UserState, in the order `valuesToUser` reads them. */
const STATE_COLUMNS = [
  'id',
  ...PROFILE_COLUMNS.map(([, column]) => column),
  'status',
  'deleted',
  'security_roles',
  'generic_properties',
  'revision',
] as const satisfies readonly (keyof UserRow)[];

/** STATE_COLUMNS for a SELECT list. */
export const USER_STATE_COLUMNS = STATE_COLUMNS.join(', ');

/** What a `users` row holds beside the state: the match keys, the listing order and the history. */
export interface UserRowExtras {
  /** The stream revision of the event that wrote the row. */
  revision: number;
  createdAt: string;
  updatedAt: string;
  lastImportId: string | null;
}

/** The columns `userToValues` fills, in its order: the state's, then the derived and historical ones. */
export const USER_WRITE_COLUMNS = [
  ...STATE_COLUMNS,
  'identifier_key',
  'email_key',
  'username_key',
  'sort_key',
  'created_at',
  'updated_at',
  'last_import_id',
] as const;

/**
 * A `users` row as positional values of USER_WRITE_COLUMNS: the projection writes one per user
 * event, and binding an array costs the driver less than two dozen named parameters.
 */
export function userToValues(state: UserState, extras: UserRowExtras): unknown[] {
  const values: unknown[] = [state.id];
  for (const [field] of PROFILE_COLUMNS) values.push(state[field] ?? null);
  const identifierKey = matchKey(state.identifier);
  const emailKey = matchKey(state.email);
  const usernameKey = matchKey(state.username);
  values.push(
    state.status,
    state.deleted ? 1 : 0,
    JSON.stringify(state.securityRoles),
    JSON.stringify(state.genericProperties),
    extras.revision,
    identifierKey,
    emailKey,
    usernameKey,
    identifierKey ?? emailKey ?? usernameKey ?? '',
    extras.createdAt,
    extras.updatedAt,
    extras.lastImportId,
  );
  return values;
}

/**
 * A UserState from a raw (array) row that begins with USER_STATE_COLUMNS (columns after them are
 * not read): the planner looks up every row of a file, and arrays cost the driver far less than
 * objects with two dozen named columns.
 */
export function valuesToUser(values: unknown[]): UserState {
  const state = { id: values[0] } as UserState;
  // Absent fields stay absent, so a state read back equals the one folded from events. Only set
  // what is there (deleting keys afterwards would turn every state into a slow dictionary object).
  PROFILE_COLUMNS.forEach(([field], index) => {
    const value = values[index + 1];
    if (value !== null) (state as unknown as Record<string, unknown>)[field] = value;
  });
  const rest = PROFILE_COLUMNS.length + 1;
  state.status = values[rest] as UserStatus;
  state.deleted = values[rest + 1] === 1;
  state.securityRoles = parseJson(values[rest + 2] as string);
  state.genericProperties = parseJson(values[rest + 3] as string);
  state.revision = values[rest + 4] as number;
  return state;
}

/** Most users have no roles or properties: skip the parser for the empty ones. */
const parseJson = (text: string) => (text === '[]' ? [] : text === '{}' ? {} : JSON.parse(text));

export function rowToUser(row: UserRow): UserState {
  return valuesToUser(STATE_COLUMNS.map((column) => row[column]));
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
