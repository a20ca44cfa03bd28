import { OffHeapStringMap } from './off-heap-string-map';

describe('OffHeapStringMap', () => {
  it('returns what was set, undefined for keys never set, and counts each key once', () => {
    const map = new OffHeapStringMap();
    map.set('ada@example.com', 2).set('grace@example.com', 0);
    map.set('ada@example.com', 7);
    expect(map.get('ada@example.com')).toBe(7);
    expect(map.get('grace@example.com')).toBe(0);
    expect(map.has('grace@example.com')).toBe(true);
    expect(map.get('alan@example.com')).toBeUndefined();
    expect(map.has('alan@example.com')).toBe(false);
    expect(map.size).toBe(2);
  });

  it('tells apart keys that are empty, prefixes of each other, or differ only in non-ASCII characters', () => {
    const keys = ['', 'a', 'ab', 'abc', 'x'.repeat(254), 'x'.repeat(255), 'x'.repeat(70_000), 'josé@example.com', 'jose@example.com', 'jos\u00e9@example.com'.normalize('NFD'), '名前@example.jp', '😀'];
    const map = new OffHeapStringMap({ keyChunkBytes: 64 }); // longer keys get chunks of their own
    keys.forEach((key, index) => map.set(key, index));
    expect(keys.map((key) => map.get(key))).toEqual(keys.map((_, index) => index));
    expect(map.get('abcd')).toBeUndefined();
    expect(map.get('名前@example.j')).toBeUndefined();
  });

  it('stays exact when every key has the same hash', () => {
    const map = new OffHeapStringMap({ hash: () => 42 });
    for (let i = 0; i < 500; i++) map.set(`user${i}@example.com`, i);
    expect(map.size).toBe(500);
    for (let i = 0; i < 500; i++) expect(map.get(`user${i}@example.com`)).toBe(i);
    expect(map.get('user500@example.com')).toBeUndefined();
  });

  it('agrees with a Map over 100,000 seeded random keys, through many resizes of its table and over several key chunks', () => {
    const random = seeded(7);
    // Repeats and non-ASCII characters make duplicate keys and multi-byte keys; 100,000 of them fill about 100 chunks of 64 KiB.
    const randomKey = () => `user-${Math.floor(random() * 150_000)}-${'é名x'.repeat(Math.floor(random() * 20))}`;
    const expected = new Map<string, number>();
    const map = new OffHeapStringMap({ keyChunkBytes: 64 * 1024 });
    for (let i = 0; i < 100_000; i++) {
      const key = randomKey();
      const value = Math.floor(random() * 0x7fffffff);
      expected.set(key, value);
      map.set(key, value);
    }
    expect(map.size).toBe(expected.size);
    for (const [key, value] of expected) {
      if (map.get(key) !== value) throw new Error(`"${key}": expected ${value}, got ${map.get(key)}`);
    }
    for (let i = 0; i < 20_000; i++) {
      const key = randomKey();
      if (map.get(key) !== expected.get(key)) throw new Error(`"${key}": expected ${expected.get(key)}, got ${map.get(key)}`);
    }
  });

  it('refuses values that are not whole numbers from 0 to 2^31 - 1', () => {
    const map = new OffHeapStringMap();
    expect(() => map.set('a', -1)).toThrow(RangeError);
    expect(() => map.set('a', 1.5)).toThrow(RangeError);
    expect(() => map.set('a', 2 ** 31)).toThrow(RangeError);
    expect(map.size).toBe(0);
  });
});

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
