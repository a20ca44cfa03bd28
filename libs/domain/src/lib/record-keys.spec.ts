import { keyReader, recordKeysOf } from './record-keys';

describe('RecordKeys', () => {
  const record = { row: 7, profile: { identifier: 'U7', email: 'u7@example.com', firstName: 'Ann' }, securityRoles: ['Admin'] };

  it('keeps a row and its match fields only, an absent field as null (JSON has no undefined)', () => {
    expect(recordKeysOf(record)).toEqual([7, 'U7', 'u7@example.com', null]);
    expect(JSON.parse(JSON.stringify(recordKeysOf(record)))).toEqual([7, 'U7', 'u7@example.com', null]);
  });

  it('reads each match field back by name, an absent one as undefined like the record gives it', () => {
    const keys = recordKeysOf(record);
    expect([keyReader('identifier')(keys), keyReader('email')(keys), keyReader('username')(keys)]).toEqual(['U7', 'u7@example.com', undefined]);
    const withUsername = recordKeysOf({ row: 8, profile: { username: 'ann' } });
    expect(keyReader('username')(withUsername)).toBe('ann');
    expect(keyReader('identifier')(withUsername)).toBeUndefined();
  });
});
