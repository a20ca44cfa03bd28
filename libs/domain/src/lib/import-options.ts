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
  format?: 'csv' | 'xml';
  encoding?: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
  delimiter?: ',' | ';' | '\t';
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
  return problems;
}
