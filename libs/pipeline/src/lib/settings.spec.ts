import { resolve } from 'node:path';
import { InvalidSettingsError, loadSettings } from './settings';

describe('loadSettings', () => {
  it('defaults to ./data, port 3000 and English', () => {
    expect(loadSettings({})).toEqual({ dataDir: resolve('./data'), port: 3000, defaultLanguage: 'en' });
  });
  it('reads ETL_DATA_DIR, PORT and ETL_DEFAULT_LANGUAGE', () => {
    expect(loadSettings({ ETL_DATA_DIR: '/srv/etl', PORT: '8080', ETL_DEFAULT_LANGUAGE: 'pt-BR' })).toEqual({
      dataDir: '/srv/etl',
      port: 8080,
      defaultLanguage: 'pt-BR',
    });
  });
  it('refuses a port that is not a number and a malformed language', () => {
    expect(() => loadSettings({ PORT: 'http' })).toThrow(InvalidSettingsError);
    expect(() => loadSettings({ ETL_DEFAULT_LANGUAGE: 'English' })).toThrow(/language tag/);
  });
});
