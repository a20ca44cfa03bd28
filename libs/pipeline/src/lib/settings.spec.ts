import { resolve } from 'node:path';
import { DEFAULT_GUARD_THRESHOLDS } from '@dirsync/domain';
import { DEFAULT_HEAP_GROWTH_PERCENT, InvalidSettingsError, loadSettings } from './settings';

describe('loadSettings', () => {
  it('defaults to ./data, port 3000 and English', () => {
    expect(loadSettings({})).toEqual({
      dataDir: resolve('./data'),
      port: 3000,
      defaultLanguage: 'en',
      guards: DEFAULT_GUARD_THRESHOLDS,
      api: {
        adminToken: undefined,
        maxUploadBytes: 100 * 1024 * 1024,
        uploadRateLimit: 30,
        authFailureLimit: 10,
        rateWindowMs: 60_000,
        requestTimeoutMs: 60_000,
        httpRequestTimeoutMs: 600_000,
        httpHeadersTimeoutMs: 60_000,
        readyMaxLag: 10_000,
        logLevel: 'log',
        trustProxy: false,
      },
      heapGrowthPercent: DEFAULT_HEAP_GROWTH_PERCENT,
    });
  });
  it('reads ETL_DATA_DIR, PORT and ETL_DEFAULT_LANGUAGE', () => {
    expect(loadSettings({ ETL_DATA_DIR: '/srv/etl', PORT: '8080', ETL_DEFAULT_LANGUAGE: 'pt-BR' })).toMatchObject({
      dataDir: '/srv/etl',
      port: 8080,
      defaultLanguage: 'pt-BR',
    });
  });
  it('reads the guard thresholds, percentages as percentages', () => {
    expect(
      loadSettings({ ETL_GUARD_MAX_DISABLES: '50', ETL_GUARD_MAX_DISABLE_PERCENT: '10', ETL_GUARD_MIN_ACTIVE_USERS: '10', ETL_GUARD_MIN_ROW_PERCENT: '80' }).guards,
    ).toEqual({ maxDisables: 50, maxDisableRatio: 0.1, minActiveUsersForRatio: 10, minRowRatio: 0.8 });
    expect(() => loadSettings({ ETL_GUARD_MAX_DISABLE_PERCENT: '120' })).toThrow(/ETL_GUARD_MAX_DISABLE_PERCENT must be a percentage/);
  });

  it('reads the heap growth, 0 leaving it to V8, and refuses what is not a whole percentage', () => {
    expect(loadSettings({ ETL_HEAP_GROWTH_PERCENT: '100' }).heapGrowthPercent).toBe(100);
    expect(loadSettings({ ETL_HEAP_GROWTH_PERCENT: '0' }).heapGrowthPercent).toBe(0);
    expect(() => loadSettings({ ETL_HEAP_GROWTH_PERCENT: '-5' })).toThrow(/ETL_HEAP_GROWTH_PERCENT must be a whole number from 0 to 1000/);
    expect(() => loadSettings({ ETL_HEAP_GROWTH_PERCENT: '12.5' })).toThrow(InvalidSettingsError);
  });

  it('refuses a port that is not a number and a malformed language', () => {
    expect(() => loadSettings({ PORT: 'http' })).toThrow(InvalidSettingsError);
    expect(() => loadSettings({ ETL_DEFAULT_LANGUAGE: 'English' })).toThrow(/language tag/);
  });

  it('reads and checks the admin API settings', () => {
    expect(
      loadSettings({
        ETL_ADMIN_TOKEN: 'a-long-admin-token-value',
        ETL_MAX_UPLOAD_BYTES: '1024',
        ETL_UPLOAD_RATE_LIMIT: '2',
        ETL_AUTH_FAILURE_LIMIT: '3',
        ETL_RATE_WINDOW_MS: '1000',
        ETL_REQUEST_TIMEOUT_MS: '5000',
        ETL_HTTP_REQUEST_TIMEOUT_MS: '9000',
        ETL_HTTP_HEADERS_TIMEOUT_MS: '8000',
        ETL_READY_MAX_LAG: '0',
        ETL_LOG_LEVEL: 'debug',
        ETL_TRUST_PROXY: '1',
      }).api,
    ).toEqual({
      adminToken: 'a-long-admin-token-value',
      maxUploadBytes: 1024,
      uploadRateLimit: 2,
      authFailureLimit: 3,
      rateWindowMs: 1000,
      requestTimeoutMs: 5000,
      httpRequestTimeoutMs: 9000,
      httpHeadersTimeoutMs: 8000,
      readyMaxLag: 0,
      logLevel: 'debug',
      trustProxy: 1,
    });
    expect(() => loadSettings({ ETL_ADMIN_TOKEN: 'short' })).toThrow(/ETL_ADMIN_TOKEN must be at least 16/);
    expect(() => loadSettings({ ETL_MAX_UPLOAD_BYTES: '100MB' })).toThrow(/ETL_MAX_UPLOAD_BYTES must be a positive whole number/);
    expect(() => loadSettings({ ETL_MAX_UPLOAD_BYTES: '0' })).toThrow(InvalidSettingsError);
    expect(() => loadSettings({ ETL_LOG_LEVEL: 'loud' })).toThrow(/ETL_LOG_LEVEL must be one of/);
    expect(() => loadSettings({ ETL_HTTP_HEADERS_TIMEOUT_MS: '700000' })).toThrow(/HEADERS_TIMEOUT/);
    expect(() => loadSettings({ ETL_TRUST_PROXY: 'yes' })).toThrow(/ETL_TRUST_PROXY/);
  });
});
