import { isLanguageTag } from '@dirsync/domain';
import { resolve } from 'node:path';

/** Process settings, read once from the environment. */
export interface Settings {
  /** Where the embedded store, the read models and the blobs live. */
  dataDir: string;
  port: number;
  defaultLanguage: string;
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
  return { dataDir: resolve(env.ETL_DATA_DIR || './data'), port, defaultLanguage };
}
