export interface SourcesModuleOptions {
  /** The data dir: the secrets key file (when ETL_SECRETS_KEY is unset) and downloads in progress live under it. */
  dataDir: string;
  /** Where ETL_SECRETS_KEY (and ETL_SECRETS_PREVIOUS_KEYS) are read from. */
  env: NodeJS.ProcessEnv;
  /** Inactivity timeout of each FTP connection; a timeout closes the client. Default 30 s. */
  ftpTimeoutMs?: number;
  /** How long a run waits for its import to finish before recording it as failed. Default 1 h. */
  importTimeoutMs?: number;
  /** Delay before the one automatic retry of a run that found its file being written. Default 60 s; 0: none. */
  retryDelayMs?: number;
  /** Whether this process fires the cron schedules (one process per data dir should). Default true. */
  schedules?: boolean;
}

export type ResolvedSourcesOptions = Required<Omit<SourcesModuleOptions, 'env'>>;

export const SOURCES_OPTIONS = Symbol('SOURCES_OPTIONS');

export function resolveSourcesOptions(options: SourcesModuleOptions): ResolvedSourcesOptions {
  return {
    dataDir: options.dataDir,
    ftpTimeoutMs: options.ftpTimeoutMs ?? 30_000,
    importTimeoutMs: options.importTimeoutMs ?? 60 * 60_000,
    retryDelayMs: options.retryDelayMs ?? 60_000,
    schedules: options.schedules ?? true,
  };
}
