/** Options of one import, as chosen by the administrator (CLI flags, upload fields, a source's settings). */

export const MATCH_KEYS = ['identifier', 'email', 'username'] as const;
export type MatchBy = (typeof MATCH_KEYS)[number];

export interface ImportOptions {
  /** Which field finds an existing user. Unset: identifier when the file has that column, else email. */
  matchBy?: MatchBy;
  updateExisting: boolean;
  activateDeleted: boolean;
  disableMissing: boolean;
  createDraft: boolean;
  /** Appended as `@domain` to identifiers that have none. */
  domain?: string;
  defaultLanguage: string;
  /** Compute and store the plan, write no user event. */
  dryRun: boolean;
  format?: (typeof FORMATS)[number];
  encoding?: (typeof ENCODINGS)[number];
  delimiter?: Delimiter;
  /** Custom column names: header in the file -> canonical field (or one of its aliases). */
  mapping?: Record<string, string>;
}

export const DEFAULT_IMPORT_OPTIONS: ImportOptions = {
  updateExisting: true,
  activateDeleted: false,
  disableMissing: false,
  createDraft: false,
  defaultLanguage: 'en',
  dryRun: false,
};

export const ENCODINGS = ['utf-8', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export const FORMATS = ['csv', 'xml'] as const;

export type Delimiter = ',' | ';' | '\t';
const DELIMITER_NAMES: Record<string, Delimiter> = { ',': ',', comma: ',', ';': ';', semicolon: ';', '\t': '\t', tab: '\t' };

/** A delimiter given by name or as the character itself (`comma`, `semicolon`, `tab`, `,`, `;`, a tab); undefined when unknown. */
export const delimiterNamed = (value: string): Delimiter | undefined => DELIMITER_NAMES[value.toLowerCase()];

/** A language tag such as `en`, `es` or `pt-BR`. */
export const isLanguageTag = (value: string): boolean => /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/i.test(value);

/** A DNS domain such as `example.com`, appended to identifiers. */
export const isDomainName = (value: string): boolean =>
  /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i.test(value);

/** Contradictions between options, as messages for the administrator; empty when the options hold together. */
export function optionProblems(options: ImportOptions): string[] {
  const problems: string[] = [];
  if (options.activateDeleted && !options.updateExisting) {
    problems.push('"activate deleted" needs "update existing"');
  }
  if (options.activateDeleted && options.createDraft) {
    problems.push('"activate deleted" cannot be combined with "create in draft"');
  }
  if (options.matchBy !== undefined && !MATCH_KEYS.includes(options.matchBy)) {
    problems.push(`match by must be one of ${MATCH_KEYS.join(', ')}`);
  }
  if (options.domain !== undefined && !isDomainName(options.domain)) {
    problems.push(`domain "${options.domain}" is not a domain name such as example.com`);
  }
  if (!isLanguageTag(options.defaultLanguage)) {
    problems.push(`default language "${options.defaultLanguage}" is not a language tag such as en, es or pt-BR`);
  }
  return problems;
}
