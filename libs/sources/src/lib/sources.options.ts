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
  /**
   * The least time between the two looks at a file's size and modified time around its download
   * (a change between them: `retry-later`). Default ETL_FTP_SETTLE_MS, else 5 s; below ftpTimeoutMs.
   */
  settleMs?: number;
  /** Whether this process fires the cron schedules (one process per data dir should). Default true. */
  schedules?: boolean;
}

export type ResolvedSourcesOptions = Required<Omit<SourcesModuleOptions, 'env'>>;

export const SOURCES_OPTIONS = Symbol('SOURCES_OPTIONS');

export function resolveSourcesOptions(options: SourcesModuleOptions): ResolvedSourcesOptions {
  const ftpTimeoutMs = options.ftpTimeoutMs ?? 30_000;
  return {
    dataDir: options.dataDir,
    ftpTimeoutMs,
    settleMs: settleMsOf(options, ftpTimeoutMs),
    importTimeoutMs: options.importTimeoutMs ?? 60 * 60_000,
    retryDelayMs: options.retryDelayMs ?? 60_000,
    schedules: options.schedules ?? true,
  };
}

/** The settle time: waited with the connection idle, so it must stay below the FTP timeout. */
function settleMsOf(options: SourcesModuleOptions, ftpTimeoutMs: number): number {
  const raw = options.settleMs ?? options.env.ETL_FTP_SETTLE_MS;
  if (raw === undefined || raw === '') return Math.min(5_000, ftpTimeoutMs - 1);
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value >= ftpTimeoutMs) {
    throw new Error(`ETL_FTP_SETTLE_MS must be a whole number of milliseconds from 0 to below the FTP timeout (${ftpTimeoutMs}), got "${raw}"`);
  }
  return value;
}
