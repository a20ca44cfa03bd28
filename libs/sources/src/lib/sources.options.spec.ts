import { resolveSourcesOptions } from './sources.options';

describe('resolveSourcesOptions: settle time', () => {
  const resolve = (env: NodeJS.ProcessEnv, settleMs?: number) => resolveSourcesOptions({ dataDir: '/data', env, settleMs }).settleMs;

  it('is 5 s by default, ETL_FTP_SETTLE_MS when set, the given option first', () => {
    expect(resolve({})).toBe(5_000);
    expect(resolve({ ETL_FTP_SETTLE_MS: '250' })).toBe(250);
    expect(resolve({ ETL_FTP_SETTLE_MS: '0' })).toBe(0);
    expect(resolve({ ETL_FTP_SETTLE_MS: '250' }, 10)).toBe(10);
  });

  it.each(['soon', '-1', '1.5', '30000'])('stops startup for ETL_FTP_SETTLE_MS=%s, naming the variable', (raw) => {
    expect(() => resolve({ ETL_FTP_SETTLE_MS: raw })).toThrow(`ETL_FTP_SETTLE_MS must be a whole number of milliseconds from 0 to below the FTP timeout (30000), got "${raw}"`);
  });
});
