import { BlockedAddresses } from './blocked-addresses';

describe('BlockedAddresses', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('refuses a blocked address until its block ends, in whole seconds', () => {
    const blocked = new BlockedAddresses();
    blocked.block('10.0.0.1', 60_000);
    expect(blocked.secondsLeft('10.0.0.1')).toBe(60);
    expect(blocked.secondsLeft('10.0.0.2')).toBe(0);
    jest.advanceTimersByTime(59_500);
    expect(blocked.secondsLeft('10.0.0.1')).toBe(1);
    jest.setSystemTime(Date.now() + 500); // the time has come, the timer not yet run
    expect(blocked.secondsLeft('10.0.0.1')).toBe(0);
  });

  it('forgets every address whose block has ended, though it never comes back', () => {
    const blocked = new BlockedAddresses();
    for (let n = 0; n < 1_000; n++) blocked.block(`10.0.${n >> 8}.${n & 255}`, 60_000);
    expect(blocked.size).toBe(1_000);
    jest.advanceTimersByTime(60_000);
    expect(blocked.size).toBe(0);
  });

  it('keeps a later block of an address when the timer of its earlier one runs', () => {
    const blocked = new BlockedAddresses();
    blocked.block('10.0.0.1', 60_000);
    jest.advanceTimersByTime(30_000);
    blocked.block('10.0.0.1', 60_000);
    jest.advanceTimersByTime(30_000);
    expect(blocked.secondsLeft('10.0.0.1')).toBe(30);
    jest.advanceTimersByTime(30_000);
    expect(blocked.size).toBe(0);
  });

  it('keeps a block longer than a Node timer can wait (about 24.8 days) until it ends', () => {
    const blocked = new BlockedAddresses();
    const day = 24 * 60 * 60 * 1000;
    blocked.block('10.0.0.1', 30 * day);
    jest.advanceTimersByTime(1);
    expect(blocked.secondsLeft('10.0.0.1')).toBeGreaterThan(0);
    jest.advanceTimersByTime(29 * day);
    expect(blocked.size).toBe(1);
    jest.advanceTimersByTime(day);
    expect(blocked.size).toBe(0);
  });
});
