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
  /** The admin HTTP API: limits, timeouts, tokens, logging and probes. */
  api: ApiSettings;
  /**
   * ETL_HEAP_GROWTH_PERCENT: how far V8 may grow the heap past what the last full collection left
   * live (0: V8's own heuristics). See `limitHeapGrowth`.
   */
  heapGrowthPercent: number;
}

/** The default of ETL_HEAP_GROWTH_PERCENT: measured by `npm run bench` (README, "Memory"). */
export const DEFAULT_HEAP_GROWTH_PERCENT = 50;

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug'] as const;
export type ApiLogLevel = (typeof LOG_LEVELS)[number];

/** Every knob of the admin API, validated with the rest at start (see the README's configuration table). */
export interface ApiSettings {
  /** ETL_ADMIN_TOKEN: an admin token created at start (idempotent); at least 16 characters. */
  adminToken: string | undefined;
  /** ETL_MAX_UPLOAD_BYTES: largest upload (default 100 MiB); larger ones get 413. */
  maxUploadBytes: number;
  /** ETL_UPLOAD_RATE_LIMIT uploads per ETL_RATE_WINDOW_MS and token (429 beyond). */
  uploadRateLimit: number;
  /** ETL_AUTH_FAILURE_LIMIT failed authentications per ETL_RATE_WINDOW_MS and client address, then 429 for the window. */
  authFailureLimit: number;
  /** ETL_RATE_WINDOW_MS: the throttling window, in milliseconds. */
  rateWindowMs: number;
  /** ETL_REQUEST_TIMEOUT_MS: per-request handler timeout (503), except `?wait=true` and long-running endpoints. */
  requestTimeoutMs: number;
  /** ETL_HTTP_REQUEST_TIMEOUT_MS: Node's server.requestTimeout, receiving the whole request (the upload too). */
  httpRequestTimeoutMs: number;
  /** ETL_HTTP_HEADERS_TIMEOUT_MS: Node's server.headersTimeout, receiving the request headers. */
  httpHeadersTimeoutMs: number;
  /** ETL_READY_MAX_LAG: readiness fails when the read models are more events behind the log than this. */
  readyMaxLag: number;
  /** ETL_LOG_LEVEL: the least severe level the server logs (error, warn, log, debug). */
  logLevel: ApiLogLevel;
  /** ETL_TRUST_PROXY: Express's "trust proxy" (hops to trust, or false), for client addresses behind a reverse proxy. */
  trustProxy: number | false;
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
  const heapGrowthPercent = numberReader(env)(
    'ETL_HEAP_GROWTH_PERCENT', DEFAULT_HEAP_GROWTH_PERCENT, (n) => Number.isInteger(n) && n >= 0 && n <= 1000, 'a whole number from 0 to 1000',
  );
  return { dataDir: resolve(env.ETL_DATA_DIR || './data'), port, defaultLanguage, guards: guardSettings(env), api: apiSettings(env), heapGrowthPercent };
}

type NumberReader = (name: string, fallback: number, check: (n: number) => boolean, what: string) => number;

const numberReader =
  (env: NodeJS.ProcessEnv): NumberReader =>
  (name, fallback, check, what) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || !check(value)) throw new InvalidSettingsError(`${name} must be ${what}, got "${raw}"`);
    return value;
  };

const positive = (n: number) => Number.isInteger(n) && n > 0;

function apiSettings(env: NodeJS.ProcessEnv): ApiSettings {
  const number = numberReader(env);
  const adminToken = env.ETL_ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && (adminToken.length < 16 || /\s/.test(adminToken))) {
    throw new InvalidSettingsError('ETL_ADMIN_TOKEN must be at least 16 characters without spaces (e.g. openssl rand -hex 24)');
  }
  const logLevel = (env.ETL_LOG_LEVEL || 'log') as ApiLogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new InvalidSettingsError(`ETL_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.ETL_LOG_LEVEL}"`);
  const trustProxyRaw = env.ETL_TRUST_PROXY ?? '';
  const trustProxy = trustProxyRaw === '' || trustProxyRaw === 'false' ? false : number('ETL_TRUST_PROXY', 0, positive, 'a number of proxy hops or false');
  const api: ApiSettings = {
    adminToken,
    maxUploadBytes: number('ETL_MAX_UPLOAD_BYTES', 100 * 1024 * 1024, positive, 'a positive whole number of bytes'),
    uploadRateLimit: number('ETL_UPLOAD_RATE_LIMIT', 30, positive, 'a positive whole number'),
    authFailureLimit: number('ETL_AUTH_FAILURE_LIMIT', 10, positive, 'a positive whole number'),
    rateWindowMs: number('ETL_RATE_WINDOW_MS', 60_000, positive, 'a positive whole number of milliseconds'),
    requestTimeoutMs: number('ETL_REQUEST_TIMEOUT_MS', 60_000, positive, 'a positive whole number of milliseconds'),
    httpRequestTimeoutMs: number('ETL_HTTP_REQUEST_TIMEOUT_MS', 600_000, positive, 'a positive whole number of milliseconds'),
    httpHeadersTimeoutMs: number('ETL_HTTP_HEADERS_TIMEOUT_MS', 60_000, positive, 'a positive whole number of milliseconds'),
    readyMaxLag: number('ETL_READY_MAX_LAG', 10_000, (n) => Number.isInteger(n) && n >= 0, 'a whole number of events'),
    logLevel,
    trustProxy,
  };
  if (api.httpHeadersTimeoutMs > api.httpRequestTimeoutMs) {
    throw new InvalidSettingsError('ETL_HTTP_HEADERS_TIMEOUT_MS must not be larger than ETL_HTTP_REQUEST_TIMEOUT_MS');
  }
  return api;
}

function guardSettings(env: NodeJS.ProcessEnv): GuardThresholds {
  const number = numberReader(env);
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
