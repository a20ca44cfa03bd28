import type { MatchBy } from '@dirsync/domain';
import {
  GENERIC_PROPERTY_HEADER,
  HEADER_ALIASES,
  SECURITY_ROLE_HEADER,
  normalizeHeader,
  type SimpleTarget,
} from './aliases';

export type ColumnTarget =
  | { kind: 'field'; field: SimpleTarget }
  | { kind: 'securityRole' }
  | { kind: 'genericProperty'; name: string };

/** How the columns of one file map to canonical fields. */
export interface HeaderLayout {
  matchBy: MatchBy;
  /** Index = column; undefined for ignored columns. */
  targets: (ColumnTarget | undefined)[];
  columns: { header: string; field: string | null }[];
  warnings: string[];
}

export type HeaderResult = { layout: HeaderLayout; problems: [] } | { layout?: undefined; problems: string[] };

export interface HeaderOptions {
  matchBy?: MatchBy;
  mapping?: Record<string, string>;
}

const ALIAS_LOOKUP = buildAliasLookup();

/**
 * Maps each header to its canonical field and checks that the header is usable as a whole. Any
 * problem here concerns every row, so it is reported as a list and the file is refused.
 */
export function resolveHeader(headers: string[], options: HeaderOptions = {}): HeaderResult {
  if (headers.every((h) => !h.trim())) return { problems: ['the header row has no column names'] };
  const problems: string[] = [];
  const warnings: string[] = [];
  const targets: (ColumnTarget | undefined)[] = [];
  const columns: HeaderLayout['columns'] = [];
  const custom = customMapping(options.mapping);
  const usedCustom = new Set<string>();
  /** First header seen per target, to name both columns of a duplicate. */
  const seen = new Map<string, string>();

  headers.forEach((header, index) => {
    const name = header.trim();
    const customTo = custom.get(normalizeHeader(name))?.to;
    let target: ColumnTarget | undefined;
    if (!name) {
      warnings.push(`column ${index + 1} has no header and was ignored`);
    } else if (customTo !== undefined) {
      usedCustom.add(normalizeHeader(name));
      target = targetOf(customTo);
      if (!target) problems.push(`the custom mapping sends column '${name}' to '${customTo}', which is not a known field`);
    } else {
      target = targetOf(name);
      if (!target) warnings.push(`column '${name}' is not recognised and was ignored`);
    }

    if (target) {
      const key = conflictKey(target, customTo ?? name);
      const previous = seen.get(key);
      if (previous === undefined) seen.set(key, name);
      else problems.push(`columns '${previous}' and '${name}' both map to ${fieldLabel(target)}; keep only one`);
    }
    targets.push(target);
    columns.push({ header, field: target ? fieldLabel(target) : null });
  });

  // Both say whether the user is active, possibly differently: there is no right one to pick.
  if (seen.has('status') && seen.has('active')) {
    problems.push(`columns '${seen.get('status')}' and '${seen.get('active')}' both set the status; keep only one`);
  }
  for (const [key, { from }] of custom) {
    if (!usedCustom.has(key)) warnings.push(`the custom mapping for '${from}' matches no column`);
  }

  const matchBy = options.matchBy ?? (seen.has('identifier') ? 'identifier' : 'email');
  if (!seen.has(matchBy)) problems.push(missingKeyMessage(matchBy, options.matchBy !== undefined));

  if (problems.length > 0) return { problems };
  return { layout: { matchBy, targets, columns, warnings }, problems: [] };
}

/** The target a header (or a custom mapping's value) stands for; undefined when unknown. */
export function targetOf(name: string): ColumnTarget | undefined {
  const generic = GENERIC_PROPERTY_HEADER.exec(name);
  if (generic) return generic[1] ? { kind: 'genericProperty', name: generic[1] } : undefined;
  const normalized = normalizeHeader(name);
  if (SECURITY_ROLE_HEADER.test(normalized)) return { kind: 'securityRole' };
  const field = ALIAS_LOOKUP.get(normalized);
  return field ? { kind: 'field', field } : undefined;
}

/** The headers accepted for a field, as listed in the alias table. */
export function acceptedHeaders(field: SimpleTarget): readonly string[] {
  return HEADER_ALIASES[field];
}

function fieldLabel(target: ColumnTarget): string {
  switch (target.kind) {
    case 'field':
      return target.field === 'active' ? 'status' : target.field;
    case 'securityRole':
      return 'securityRoles';
    case 'genericProperty':
      return `genericProperties.${target.name}`;
  }
}

/** Columns with the same key feed the same value. Each SecurityRoleN column is its own slot. */
function conflictKey(target: ColumnTarget, header: string): string {
  switch (target.kind) {
    case 'field':
      return target.field;
    case 'securityRole':
      return `securityRole:${normalizeHeader(header)}`;
    case 'genericProperty':
      return `genericProperty:${target.name.toLowerCase()}`;
  }
}

function missingKeyMessage(matchBy: MatchBy, explicit: boolean): string {
  const names = (field: SimpleTarget) => acceptedHeaders(field).join(', ');
  if (explicit) {
    return (
      `the header has no ${acceptedHeaders(matchBy)[0]} column, needed to match users by ${matchBy}; ` +
      `accepted names: ${names(matchBy)}`
    );
  }
  return (
    `there is no column to match users by: add an identifier column (${names('identifier')}) ` +
    `or an e-mail column (${names('email')})`
  );
}

/** Custom mapping keyed by normalized file header, so it matches headers as loosely as the aliases do. */
function customMapping(mapping: Record<string, string> | undefined): Map<string, { from: string; to: string }> {
  return new Map(Object.entries(mapping ?? {}).map(([from, to]) => [normalizeHeader(from), { from, to }]));
}

function buildAliasLookup(): Map<string, SimpleTarget> {
  const lookup = new Map<string, SimpleTarget>();
  for (const [target, names] of Object.entries(HEADER_ALIASES) as [SimpleTarget, readonly string[]][]) {
    for (const name of [target, ...names]) {
      const key = normalizeHeader(name);
      const existing = lookup.get(key);
      // A header must never be able to mean two things; fail at load rather than guess.
      if (existing && existing !== target) throw new Error(`header alias '${name}' is listed for ${existing} and ${target}`);
      lookup.set(key, target);
    }
  }
  return lookup;
}
