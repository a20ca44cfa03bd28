import type { ApiSettings } from '@dirsync/pipeline';

/** The limits, timeouts and thresholds of the API (from the validated settings). */
export type ApiLimits = Pick<ApiSettings, 'uploadRateLimit' | 'authFailureLimit' | 'rateWindowMs' | 'requestTimeoutMs' | 'readyMaxLag'>;

export interface AdminApiOptions {
  /** Where uploads are streamed before they enter the blob store. */
  uploadDir: string;
  /**
   * Where directories "as of" an import are built (temporary SQLite files, about 770 MB a million
   * users): on the data dir's disk, not the system's temporary folder, which may be memory.
   * Default: the system's temporary folder.
   */
  scratchDir?: string;
  maxUploadBytes: number;
  /** An admin token to create at start (ETL_ADMIN_TOKEN), so a fresh deployment can be used at all. */
  adminToken?: string;
  limits: ApiLimits;
}
export const ADMIN_API_OPTIONS = Symbol('ADMIN_API_OPTIONS');
