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
  /** How messages name a header; default: CSV columns. */
  wording?: HeaderWording;
}

/**
 * How messages name the things that carry values: CSV header cells ("column 'Email'") or XML child
 * elements ("element <Email>"). The rules are the same for both formats; only the words differ.
 */
export interface HeaderWording {
  /** 'column' or 'element'. */
  noun: string;
  /** One header as quoted in a message. */
  name(header: string): string;
  /** No header at all. */
  nothing: string;
  /** The explicit match key's header is missing. */
  missing(keyHeader: string): string;
}

export const CSV_WORDING: HeaderWording = {
  noun: 'column',
  name: (header) => `'${header}'`,
  nothing: 'the header row has no column names',
  missing: (keyHeader) => `the header has no ${keyHeader} column`,
};

const ALIAS_LOOKUP = buildAliasLookup();

/**
 * Maps each header to its canonical field and checks that the header is usable as a whole. Any
 * problem here concerns every row, so it is reported as a list and the file is refused.
 */
export function resolveHeader(headers: string[], options: HeaderOptions = {}): HeaderResult {
  const words = options.wording ?? CSV_WORDING;
  const { noun } = words;
  if (headers.every((h) => !h.trim())) return { problems: [words.nothing] };
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
      warnings.push(`${noun} ${index + 1} has no header and was ignored`);
    } else if (customTo !== undefined) {
      usedCustom.add(normalizeHeader(name));
      target = targetOf(customTo);
      if (!target) problems.push(`the custom mapping sends ${noun} ${words.name(name)} to '${customTo}', which is not a known field`);
    } else {
      target = targetOf(name);
      if (!target) warnings.push(`${noun} ${words.name(name)} is not recognised and was ignored`);
    }

    if (target) {
      const key = conflictKey(target, customTo ?? name);
      const previous = seen.get(key);
      if (previous === undefined) seen.set(key, name);
      else problems.push(`${noun}s ${words.name(previous)} and ${words.name(name)} both map to ${fieldLabel(target)}; keep only one`);
    }
    targets.push(target);
    columns.push({ header, field: target ? fieldLabel(target) : null });
  });

  // Both say whether the user is active, possibly differently: there is no right one to pick.
  if (seen.has('status') && seen.has('active')) {
    const [status, active] = [seen.get('status') ?? '', seen.get('active') ?? ''].map(words.name);
    problems.push(`${noun}s ${status} and ${active} both set the status; keep only one`);
  }
  for (const [key, { from }] of custom) {
    if (!usedCustom.has(key)) warnings.push(`the custom mapping for '${from}' matches no ${noun}`);
  }

  const matchBy = options.matchBy ?? (seen.has('identifier') ? 'identifier' : 'email');
  if (!seen.has(matchBy)) problems.push(missingKeyMessage(matchBy, options.matchBy !== undefined, words));
  const inforMissing = INFOR_REQUIRED.filter((field) => !seen.has(field) && field !== matchBy);
  if (usesInforNames(headers, custom) && inforMissing.length > 0) {
    const names = inforMissing.map((field) => acceptedHeaders(field)[0]);
    problems.push(`the file follows the Infor format (it names UserIdentifier or UPN), which requires ${names.join(' and ')}: ${names.length > 1 ? 'they are' : 'it is'} missing`);
  }

  if (problems.length > 0) return { problems };
  return { layout: { matchBy, targets, columns, warnings }, problems: [] };
}

/** Infor's identity columns: a file that names either follows the Infor format, which requires both. */
const INFOR_IDENTITY_HEADERS = new Set(['useridentifier', 'upn']);
const INFOR_REQUIRED = ['identifier', 'upn'] as const;

function usesInforNames(headers: string[], custom: Map<string, unknown>): boolean {
  return headers.some((header) => {
    const normalized = normalizeHeader(header.trim());
    return !custom.has(normalized) && INFOR_IDENTITY_HEADERS.has(normalized);
  });
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

function missingKeyMessage(matchBy: MatchBy, explicit: boolean, words: HeaderWording): string {
  const names = (field: SimpleTarget) => acceptedHeaders(field).join(', ');
  if (explicit) {
    return (
      `${words.missing(acceptedHeaders(matchBy)[0])}, needed to match users by ${matchBy}; ` +
      `accepted names: ${names(matchBy)}`
    );
  }
  const { noun } = words;
  return (
    `there is no ${noun} to match users by: add an identifier ${noun} (${names('identifier')}) ` +
    `or an e-mail ${noun} (${names('email')})`
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
