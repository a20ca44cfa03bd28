import { resolve } from 'node:path';
import { DEFAULT_GUARD_THRESHOLDS } from '@dirsync/domain';
import { InvalidSettingsError, loadSettings } from './settings';

describe('loadSettings', () => {
  it('defaults to ./data, port 3000 and English', () => {
    expect(loadSettings({})).toEqual({ dataDir: resolve('./data'), port: 3000, defaultLanguage: 'en', guards: DEFAULT_GUARD_THRESHOLDS });
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

  it('refuses a port that is not a number and a malformed language', () => {
    expect(() => loadSettings({ PORT: 'http' })).toThrow(InvalidSettingsError);
    expect(() => loadSettings({ ETL_DEFAULT_LANGUAGE: 'English' })).toThrow(/language tag/);
  });
});
