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

  it.each([
    ['their own hashes', undefined],
    ['one hash for all, so that every look-up compares them', () => 42],
  ])('tells apart keys that are empty, prefixes of each other, or differ only in non-ASCII characters, with %s', (_, hash) => {
    const keys = [
      '', 'a', 'ab', 'abc', 'x'.repeat(254), 'x'.repeat(255), 'x'.repeat(70_000), 'josé@example.com', 'jose@example.com',
      'jos\u00e9@example.com'.normalize('NFD'), 'josé', 'jos', '名前@example.jp', '名前', '😀', 'a😀', 'ab😀',
    ];
    const map = new OffHeapStringMap({ keyChunkBytes: 64, hash }); // longer keys get chunks of their own
    keys.forEach((key, index) => map.set(key, index));
    expect(map.size).toBe(keys.length);
    expect(keys.map((key) => map.get(key))).toEqual(keys.map((_, index) => index));
    for (const absent of ['abcd', 'b', 'x'.repeat(253), 'josé@example.co', 'jos\u00e8@example.com', '名前@example.j', '名', 'a😀b', '😁']) {
      expect(map.get(absent)).toBeUndefined();
    }
  });

  it('stores a key whose UTF-8 bytes outgrow the room its characters would need, in the next chunk', () => {
    // 16-byte chunks, a byte of length before each key. "ééé" takes the 7 bytes "abcdefgh" leaves.
    // "aaaaé" finds 5 bytes after "abcdefghij", too few for its 5 characters, starts a chunk for
    // them, and its 6 bytes of UTF-8 fit there. The 301-character key gets a chunk of its own for
    // 306 bytes (5 of them its length), then needs 307 as UTF-8 and gets another.
    const keys = ['abcdefgh', 'ééé', 'abcdefghij', 'aaaaé', 'x'.repeat(300) + 'é', 'tail'];
    const map = new OffHeapStringMap({ keyChunkBytes: 16 });
    keys.forEach((key, index) => map.set(key, index));
    expect(keys.map((key) => map.get(key))).toEqual(keys.map((_, index) => index));
    for (const absent of ['ééé'.slice(0, 2), 'aaaaa', 'aaaa', 'x'.repeat(300), 'x'.repeat(300) + 'e']) expect(map.get(absent)).toBeUndefined();
  });

  it('stays exact when every key has the same hash', () => {
    const map = new OffHeapStringMap({ hash: () => 42 });
    for (let i = 0; i < 500; i++) map.set(`user${i}@example.com`, i);
    expect(map.size).toBe(500);
    for (let i = 0; i < 500; i++) expect(map.get(`user${i}@example.com`)).toBe(i);
    expect(map.get('user500@example.com')).toBeUndefined();
  });

  it('agrees with a Map over 100,000 keys, through many resizes of its table and over several key chunks', () => {
    // 60,000 distinct keys, each set once or twice, of 7 to 125 bytes with multi-byte characters:
    // about 60 chunks of 64 KiB. Values spread over the whole range.
    const keyOf = (n: number) => `user-${(n * 7919) % 60_000}-${'é名x'.repeat(n % 20)}`;
    const expected = new Map<string, number>();
    const map = new OffHeapStringMap({ keyChunkBytes: 64 * 1024 });
    for (let n = 0; n < 100_000; n++) {
      const value = (n * 2654435761) % 2 ** 31;
      expected.set(keyOf(n), value);
      map.set(keyOf(n), value);
    }
    expect(map.size).toBe(expected.size);
    for (const [key, value] of expected) {
      if (map.get(key) !== value) throw new Error(`"${key}": expected ${value}, got ${map.get(key)}`);
    }
    for (let n = 0; n < 20_000; n++) {
      if (map.has(`${keyOf(n)}.`)) throw new Error(`"${keyOf(n)}." was never set`);
    }
  });

  it('hashes a key once when it is set straight after being looked up, as the planner checks and then files it', () => {
    const hashed: string[] = [];
    const map = new OffHeapStringMap({ hash: (key) => (hashed.push(key), key.length) });
    expect(map.get('ada@example.com')).toBeUndefined();
    map.set('ada@example.com', 2); // inserted where the look-up found no key
    expect(map.has('ada@example.com')).toBe(true);
    map.set('ada@example.com', 3); // replaced where it was found
    expect(map.get('grace@example.com')).toBeUndefined();
    map.set(['ada', 'example.com'].join('@'), 4); // equal text, another string
    expect(hashed).toEqual(['ada@example.com', 'grace@example.com', 'ada@example.com']);
    expect(map.get('ada@example.com')).toBe(4);
    expect(map.get('grace@example.com')).toBeUndefined();
    expect(map.size).toBe(1);
  });

  it('sets a missed key elsewhere when another key has taken the empty slot its look-up found', () => {
    const map = new OffHeapStringMap({ hash: () => 5 });
    expect(map.get('ada')).toBeUndefined();
    map.set('grace', 1); // into the slot the look-up of "ada" found empty
    map.set('ada', 2);
    expect([map.get('grace'), map.get('ada'), map.size]).toEqual([1, 2, 2]);
  });

  it('agrees with a Map when look-ups and sets of colliding keys interleave, through resizes of its table', () => {
    // Keys in eight hashes spread over the table, so they share probe runs that move when it
    // grows; a slot a missed look-up found empty is taken by another key before that key is set.
    const map = new OffHeapStringMap({ hash: (key) => Math.imul(key.length % 8, 0x9e3779b1) >>> 0, keyChunkBytes: 256 });
    const expected = new Map<string, number>();
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const keys = Array.from({ length: 300 }, (_, n) => `k${n}${'x'.repeat(n % 9)}`);
    for (let step = 0; step < 20_000; step++) {
      const key = keys[next() % keys.length];
      if (next() % 2 === 0) {
        if (map.get(key) !== expected.get(key)) throw new Error(`step ${step}, get "${key}": expected ${expected.get(key)}, got ${map.get(key)}`);
      } else {
        const value = next() % 1000;
        map.set(key, value);
        expected.set(key, value);
      }
    }
    expect(map.size).toBe(expected.size);
    for (const key of keys) expect(map.get(key)).toBe(expected.get(key));
  });

  it('refuses values that are not whole numbers from 0 to 2^31 - 1', () => {
    const map = new OffHeapStringMap();
    expect(() => map.set('a', -1)).toThrow(RangeError);
    expect(() => map.set('a', 1.5)).toThrow(RangeError);
    expect(() => map.set('a', 2 ** 31)).toThrow(RangeError);
    expect(map.size).toBe(0);
  });

  it('refuses every use once released, and may be released twice', () => {
    const map = new OffHeapStringMap({ keyChunkBytes: 16 });
    for (let n = 0; n < 100; n++) map.set(`key-${n}`, n);
    map.release();
    map.release();
    expect(map.size).toBe(0);
    expect(() => map.get('key-1')).toThrow('used after release()');
    expect(() => map.has('key-1')).toThrow('used after release()');
    expect(() => map.set('key-1', 1)).toThrow('used after release()');
  });
});
