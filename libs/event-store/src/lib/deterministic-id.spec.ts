import { deterministicId, MAX_ID_SEQUENCE, sequentialId, uuidV5 } from './deterministic-id';

const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV5', () => {
  it('matches the RFC 9562 example (DNS namespace, www.example.com)', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe(
      '2ed6657d-e927-568b-95e1-2665a8aea6a2',
    );
  });

  it('rejects a namespace that is not a UUID', () => {
    expect(() => uuidV5('not-a-uuid', 'x')).toThrow(TypeError);
  });
});

describe('deterministicId', () => {
  it('is a version 5 UUID', () => {
    expect(deterministicId('import', 'abc', 42)).toMatch(UUID_V5);
  });

  it('is stable for the same parts', () => {
    expect(deterministicId('import', 'abc', 42)).toBe(deterministicId('import', 'abc', 42));
  });

  it('treats a number like its decimal text', () => {
    expect(deterministicId('row', 7)).toBe(deterministicId('row', '7'));
  });

  it('differs when the parts differ, including how they are split', () => {
    const ids = [
      deterministicId('import', 'abc', 42),
      deterministicId('import', 'abc', 43),
      deterministicId('import', 'abd', 42),
      deterministicId('a|b'),
      deterministicId('a', 'b'),
      deterministicId('ab'),
      deterministicId(),
    ];

    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('sequentialId', () => {
  const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const importId = '019aa6f2-3c41-7d2e-9b1a-5f0c2d3e4a5b'; // a version 7 UUID: 48 bits of time first

  it('is a version 8 UUID that starts with the first 48 bits of its scope', () => {
    const id = sequentialId(importId, 12, 'user');
    expect(id).toMatch(UUID_V8);
    expect(id.slice(0, 13)).toBe(importId.slice(0, 13));
  });

  it('is stable for the same scope, sequence and parts, across versions too (a resumed import must make the same ids)', () => {
    expect(sequentialId(importId, 7, 'user', 7)).toBe(sequentialId(importId, 7, 'user', 7));
    expect(sequentialId(importId, 12, 'user', 12)).toBe('019aa6f2-3c41-8000-8000-30984034e974');
    expect(sequentialId(importId, 2 ** 31 + 12_345, 'user')).toBe('019aa6f2-3c41-8800-80c0-e514085f2c00');
  });

  it('keeps apart the ids of two imports requested in the same millisecond', () => {
    const sameMillisecond = '019aa6f2-3c41-7aaa-8bbb-cccccccccccc';
    for (const sequence of [0, 1, 999_999]) expect(sequentialId(sameMillisecond, sequence, 'user')).not.toBe(sequentialId(importId, sequence, 'user'));
  });

  it('sorts as text in the order of its sequence, over the whole 32-bit range', () => {
    const sequences = [0, 1, 2, 63, 64, 65, 1_000, 16_383, 16_384, 999_999, 1_000_000, 2 ** 20, 2 ** 28 - 1, 2 ** 28, 2 ** 31, MAX_ID_SEQUENCE];
    const ids = sequences.map((sequence) => sequentialId(importId, sequence, 'user'));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sorts ids of a later scope after every id of an earlier one', () => {
    const later = '019aa6f2-3c42-7000-8000-000000000000';
    expect(sequentialId(later, 0) > sequentialId(importId, MAX_ID_SEQUENCE)).toBe(true);
  });

  it('differs when only the parts differ (same scope and sequence), including how they are split', () => {
    const ids = [['user'], ['event'], ['a|1:b'], ['a', 'b'], ['ab'], []].map((parts) => sequentialId(importId, 5, ...parts));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('checks the first scope it is given too, even an empty one', async () => {
    await jest.isolateModulesAsync(async () => {
      const fresh = await import('./deterministic-id');
      expect(() => fresh.sequentialId('', 1)).toThrow(TypeError);
    });
  });

  it('reads its scope in any case', () => {
    expect(sequentialId(importId.toUpperCase(), 12, 'user', 12)).toBe('019aa6f2-3c41-8000-8000-30984034e974');
  });

  it('rejects a scope that is not a UUID, also right after ids of a valid one, and a sequence it cannot carry', () => {
    expect(() => sequentialId('import-1', 1)).toThrow(TypeError);
    sequentialId(importId, 1);
    expect(() => sequentialId(`${importId}0`, 1)).toThrow(TypeError);
    for (const sequence of [-1, 1.5, MAX_ID_SEQUENCE + 1, Number.NaN]) expect(() => sequentialId(importId, sequence)).toThrow(RangeError);
  });
});
