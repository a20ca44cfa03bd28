import { BenchUsageError, parseBenchArgs } from './args';
import { SCENARIOS } from './scenarios/types';

describe('parseBenchArgs', () => {
  it('defaults to both sizes, every scenario, bench/results.json and seed 42', () => {
    expect(parseBenchArgs([])).toEqual({
      rows: [100_000, 1_000_000],
      out: 'bench/results.json',
      keep: false,
      seed: 42,
      scenarios: [...SCENARIOS],
      profile: false,
      tmp: undefined,
      timeoutMs: undefined,
      repeat: 1,
    });
  });

  it('takes sizes with underscores and spaces, a scenario list and a timeout in minutes', () => {
    const args = parseBenchArgs(['--rows', '2_000, 30000', '--scenarios', 'parse,changed', '--timeout-min', '1.5', '--seed', '7', '--profile', '--repeat', '3']);
    expect(args.rows).toEqual([2_000, 30_000]);
    expect(args.scenarios).toEqual(['parse', 'changed']);
    expect(args.timeoutMs).toBe(90_000);
    expect(args.seed).toBe(7);
    expect(args.profile).toBe(true);
    expect(args.repeat).toBe(3);
  });

  it.each([
    [['--rows', '0'], /--rows must be positive whole numbers/],
    [['--rows', '1e3x'], /--rows must be positive whole numbers/],
    [['--seed', 'abc'], /--seed must be a whole number/],
    [['--scenarios', 'parse,warmup'], /unknown scenario warmup; choose from parse, initial/],
    [['--timeout-min', '0'], /--timeout-min must be a positive number/],
    [['--repeat', '0'], /--repeat must be a positive whole number/],
    [['--repeat', '2.5'], /--repeat must be a positive whole number/],
  ])('refuses %j with a usage error saying what is wrong', (argv, message) => {
    expect(() => parseBenchArgs(argv)).toThrow(BenchUsageError);
    expect(() => parseBenchArgs(argv)).toThrow(message);
  });

  it('answers --help with the usage text', () => {
    expect(() => parseBenchArgs(['--help'])).toThrow(/^npm run bench -- \[--rows/);
  });

  it('refuses an option it does not know', () => {
    expect(() => parseBenchArgs(['--rowz', '5'])).toThrow(/Unknown option '--rowz'/);
  });
});
