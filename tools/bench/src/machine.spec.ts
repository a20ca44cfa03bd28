import { parseCpuTicks, stealPercent } from './machine';

// The first lines of a two-core virtual machine's /proc/stat.
const PROC_STAT = [
  'cpu  4705 150 1120 16250 520 0 30 1800 0 0',
  'cpu0 2400 80 560 8100 260 0 20 900 0 0',
  'cpu1 2305 70 560 8150 260 0 10 900 0 0',
  'intr 114930548 113199788 3 0 5 263 0 4 [...]',
].join('\n');

describe('CPU steal', () => {
  it('reads steal and the total of the eight time fields from the aggregate cpu line', () => {
    expect(parseCpuTicks(PROC_STAT)).toEqual({ steal: 1800, total: 4705 + 150 + 1120 + 16250 + 520 + 0 + 30 + 1800 });
  });

  it('gives no reading for a text without an aggregate cpu line, or with one too short', () => {
    expect(parseCpuTicks('cpu0 1 2 3 4 5 6 7 8\nintr 1')).toBeUndefined();
    expect(parseCpuTicks('cpu  1 2 3 4')).toBeUndefined();
  });

  it('is the share of the ticks between two readings that were stolen', () => {
    expect(stealPercent({ steal: 100, total: 1000 }, { steal: 400, total: 2000 })).toBeCloseTo(30);
  });

  it('is unknown without both readings, or when no tick passed between them', () => {
    expect(stealPercent(undefined, { steal: 1, total: 2 })).toBeUndefined();
    expect(stealPercent({ steal: 1, total: 2 }, undefined)).toBeUndefined();
    expect(stealPercent({ steal: 5, total: 50 }, { steal: 5, total: 50 })).toBeUndefined();
  });
});
