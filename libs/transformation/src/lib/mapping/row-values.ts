import { PROFILE_FIELDS, type MatchBy, type UserProfile, type UserRecord, type UserStatus, USER_STATUSES } from '@dirsync/domain';
import { ACTIVE_VALUES, normalizeValue } from './aliases';
import type { ColumnTarget, HeaderLayout } from './header';

/** One row's trimmed, non-blank cells by canonical field, before validation. */
export interface RowValues extends UserProfile {
  matchBy: MatchBy;
  /** The match-key cell as written (before the domain is appended). */
  key?: string;
  status?: string;
  /** Value of a yes/no `active` column, as written. */
  active?: string;
  securityRoles?: string[];
  genericProperties?: Record<string, string>;
  /**
   * Set by the mapping when every value is printable ASCII, which holds no character that
   * validation refuses (controls, invisible characters, U+FFFD): it may skip those checks.
   */
  printableAscii?: boolean;
}

const VALUE_FIELDS = [...PROFILE_FIELDS, 'key', 'status', 'active', 'securityRoles', 'genericProperties'] as const;

/**
 * Fills `into` with one row's values. The object is reused from row to row (no allocation per row
 * for a million rows), so every field is cleared first. Blank cells leave their field undefined:
 * a blank cell keeps the stored value.
 */
export function readRowValues(cells: string[], layout: HeaderLayout, domain: string | undefined, into: RowValues): void {
  clearRowValues(into, layout.matchBy);
  layout.targets.forEach((target, index) => {
    const value = cells[index]?.trim();
    if (target && value) assignValue(into, target, value);
  });
  completeRowValues(into, domain);
}

/** Clears every field of a reused RowValues before a new row is read into it. */
export function clearRowValues(into: RowValues, matchBy: MatchBy): void {
  for (const field of VALUE_FIELDS) into[field] = undefined;
  into.matchBy = matchBy;
  into.printableAscii = true;
}

const BEYOND_PRINTABLE_ASCII = /[^\x20-\x7E]/;

/**
 * Stores one non-blank, trimmed value: security roles accumulate without duplicates. Text is put
 * in Unicode normal form C, so that `jörg` written with a combining diaeresis (as macOS and some
 * exports write it) is the same key as the precomposed one. Printable ASCII, nearly every cell,
 * is already normal and holds nothing validation refuses: one test spares it the rest.
 */
export function assignValue(into: RowValues, target: ColumnTarget, text: string): void {
  let value = text;
  if (BEYOND_PRINTABLE_ASCII.test(text)) {
    value = text.normalize('NFC');
    into.printableAscii = false;
  }
  if (target.kind === 'field') {
    into[target.field] = value;
  } else if (target.kind === 'securityRole') {
    into.securityRoles ??= [];
    if (!into.securityRoles.includes(value)) into.securityRoles.push(value);
  } else {
    (into.genericProperties ??= {})[target.name] = value;
  }
}

/** Once every value is in: the match key as written, then `@domain` on an identifier without one. */
export function completeRowValues(into: RowValues, domain: string | undefined): void {
  into.key = into[into.matchBy];
  const suffix = domain?.trim().replace(/^@/, '');
  if (suffix && into.identifier && !into.identifier.includes('@')) into.identifier = `${into.identifier}@${suffix}`;
}

/** The record of a row whose values passed validation, with status and language in canonical form. */
export function toUserRecord(values: RowValues, row: number): UserRecord {
  const profile: UserProfile = {};
  for (const field of PROFILE_FIELDS) {
    const value = values[field];
    if (value !== undefined) profile[field] = field === 'language' ? canonicalLanguage(value) : value;
  }
  const record: UserRecord = { row, profile };
  const status = canonicalStatus(values);
  if (status) record.status = status;
  if (values.securityRoles) record.securityRoles = [...values.securityRoles];
  if (values.genericProperties) record.genericProperties = { ...values.genericProperties };
  return record;
}

function canonicalStatus(values: RowValues): UserStatus | undefined {
  if (values.status !== undefined) {
    const wanted = values.status.toLowerCase();
    return USER_STATUSES.find((s) => s.toLowerCase() === wanted);
  }
  if (values.active !== undefined) return activeStatus(values.active);
  return undefined;
}

const ACTIVE_LOOKUP = new Map(ACTIVE_VALUES.map(([word, status]) => [normalizeValue(word), status]));

/** Status meant by a yes/no `active` cell (`Sí`, `TRUE`, `0`, …); undefined when not one of them. */
export function activeStatus(value: string): UserStatus | undefined {
  return ACTIVE_LOOKUP.get(normalizeValue(value));
}

/** `pt-br` → `pt-BR`, `zh_hant_tw` → `zh-Hant-TW`: BCP 47 casing (language lower, Script title, REGION upper). */
export function canonicalLanguage(tag: string): string {
  return tag
    .split(/[-_]/)
    .map((part, i) => {
      if (i === 0) return part.toLowerCase();
      if (part.length === 4) return part[0].toUpperCase() + part.slice(1).toLowerCase();
      return part.length === 2 ? part.toUpperCase() : part.toLowerCase();
    })
    .join('-');
}
