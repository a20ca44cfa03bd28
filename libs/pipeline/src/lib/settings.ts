import { DEFAULT_GUARD_THRESHOLDS, isLanguageTag, type GuardThresholds } from '@dirsync/domain';
import { resolve } from 'node:path';

/** Process settings, read once from the environment. */
export interface Settings {
  /** Where the embedded store, the read models and the blobs live. */
  dataDir: string;
  port: number;
  defaultLanguage: string;
  /** When an import waits for approval instead of disabling users. */
  guards: GuardThresholds;
}

export class InvalidSettingsError extends Error {
  override readonly name = 'InvalidSettingsError';
}

export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new InvalidSettingsError(`PORT must be a port number, got "${env.PORT}"`);
  const defaultLanguage = env.ETL_DEFAULT_LANGUAGE ?? 'en';
  if (!isLanguageTag(defaultLanguage)) {
    throw new InvalidSettingsError(`ETL_DEFAULT_LANGUAGE must be a language tag such as "en" or "pt-BR", got "${defaultLanguage}"`);
  }
  return { dataDir: resolve(env.ETL_DATA_DIR || './data'), port, defaultLanguage, guards: guardSettings(env) };
}

function guardSettings(env: NodeJS.ProcessEnv): GuardThresholds {
  const number = (name: string, fallback: number, check: (n: number) => boolean, what: string): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || !check(value)) throw new InvalidSettingsError(`${name} must be ${what}, got "${raw}"`);
    return value;
  };
  const d = DEFAULT_GUARD_THRESHOLDS;
  const count = (n: number) => Number.isInteger(n) && n >= 0;
  const percent = (n: number) => n >= 0 && n <= 100;
  return {
    maxDisables: number('ETL_GUARD_MAX_DISABLES', d.maxDisables, count, 'a whole number'),
    maxDisableRatio: number('ETL_GUARD_MAX_DISABLE_PERCENT', d.maxDisableRatio * 100, percent, 'a percentage') / 100,
    minActiveUsersForRatio: number('ETL_GUARD_MIN_ACTIVE_USERS', d.minActiveUsersForRatio, count, 'a whole number'),
    minRowRatio: number('ETL_GUARD_MIN_ROW_PERCENT', d.minRowRatio * 100, percent, 'a percentage') / 100,
  };
}
