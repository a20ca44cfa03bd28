import type { ProfileField } from '@dirsync/domain';

/**
 * What a single header can feed. `active` is the SMARTFENSE yes/no column; it sets the status.
 * Security roles and generic properties are matched by pattern, below.
 */
export type SimpleTarget = ProfileField | 'status' | 'active';

/**
 * Header names accepted for each target, as administrators write them. Matching ignores case,
 * accents, spaces, `_`, `-` and `.` (see normalizeHeader), so `e-mail`, `E_Mail` or `first name` need no entry of
 * their own. The target's own
 * name (e.g. `managerEmail`) is always accepted too. Infor names come first, then SMARTFENSE-style
 * and Spanish ones (SMARTFENSE is mostly used in Spanish).
 */
export const HEADER_ALIASES: Readonly<Record<SimpleTarget, readonly string[]>> = {
  identifier: ['UserIdentifier', 'identifier', 'identificador'],
  upn: ['UPN', 'user principal name'],
  email: ['EmailId', 'email', 'mail', 'email address', 'correo', 'correo electrónico'],
  username: ['UserName', 'login', 'usuario', 'nombre de usuario'],
  personId: ['PersonId'],
  firstName: ['FirstName', 'given name', 'nombre'],
  lastName: ['LastName', 'surname', 'apellido', 'apellidos'],
  title: ['Title', 'job title', 'cargo', 'puesto'],
  department: ['Department', 'departamento'],
  alias: ['UserAlias'],
  language: ['language', 'lang', 'locale', 'idioma'],
  managerEmail: ['manager email', 'manager', 'email del jefe', 'email jefe', 'correo del jefe', 'correo jefe', 'jefe'],
  picture: ['Picture', 'foto'],
  minglePicture: ['MinglePicture'],
  status: ['Status', 'estado'],
  active: ['active', 'enabled', 'activo', 'habilitado'],
};

/** `GenericProperty_<Name>` (also `genericProperties.<Name>`): the name is kept as written. */
export const GENERIC_PROPERTY_HEADER = /^\s*generic[\s_.-]*propert(?:y|ies)[\s_.-]*(.*?)\s*$/i;

/** `SecurityRole1` … `SecurityRoleN` (normalized form). */
export const SECURITY_ROLE_HEADER = /^securityroles?\d*$/;

/** Values of an `active` column and the status each means; compared ignoring case and accents. */
export const ACTIVE_VALUES: readonly (readonly [string, 'Active' | 'Inactive'])[] = [
  ['yes', 'Active'],
  ['no', 'Inactive'],
  ['true', 'Active'],
  ['false', 'Inactive'],
  ['1', 'Active'],
  ['0', 'Inactive'],
  ['sí', 'Active'],
  ['active', 'Active'],
  ['inactive', 'Inactive'],
];

/** Lower-case, without accents (`Sí` → `si`). */
export function normalizeValue(value: string): string {
  return stripAccents(value).toLowerCase();
}

/** Lower-case, without accents, spaces, `_`, `-` or `.`: "E-mail Address" and "email_address" compare equal. */
export function normalizeHeader(header: string): string {
  return normalizeValue(header).replace(/[\s_.-]+/g, '');
}

function stripAccents(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
}
