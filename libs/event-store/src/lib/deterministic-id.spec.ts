import { deterministicId, uuidV5 } from './deterministic-id';

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
