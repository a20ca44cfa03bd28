import { isEmail } from 'class-validator';
import { rememberedByDomain } from './email-verdicts';

const validatorsVerdict = (value: unknown): boolean => isEmail(value, {});

describe('rememberedByDomain', () => {
  const long = (n: number) => 'x'.repeat(n);
  // Local parts plain and not, at domains good and bad, around every length limit isEmail has.
  const LOCAL_PARTS = ['a', 'Ada.Lovelace', 'a_b+c-d', 'a.b.c', long(64), long(65), 'a..b', '.a', 'a.', '"q q"', 'ü', 'a b', "o'neil", 'a@b', ''];
  const DOMAINS = ['example.com', 'EXAMPLE.COM', 'sub.example.co.uk', 'localhost', 'b.c', '1.2.3.4', 'exämple.de', 'xn--exmple-cua.de', '-a.com', 'a-.com', 'a_b.com', 'example.com.', 'ex..com', `${long(63)}.com`, `${long(64)}.com`, `${long(60)}.${long(60)}.${long(60)}.${long(60)}.com`, ''];

  it('gives isEmail\'s verdict on every address, in any order', () => {
    const addresses = LOCAL_PARTS.flatMap((local) => DOMAINS.map((domain) => `${local}@${domain}`));
    const shuffled: unknown[] = [...addresses.slice().reverse(), ...addresses, 'no-at-sign', '@example.com', 'a@', 42, undefined, null];
    const check = rememberedByDomain(validatorsVerdict);
    const verdicts = { valid: 0, invalid: 0 };
    for (const address of shuffled) {
      const verdict = validatorsVerdict(address);
      expect({ address, verdict: check(address) }).toEqual({ address, verdict });
      verdicts[verdict ? 'valid' : 'invalid']++;
    }
    expect(verdicts.valid).toBeGreaterThan(20);
    expect(verdicts.invalid).toBeGreaterThan(20);
  });

  it('asks once per domain for plain addresses, and every time for the others', () => {
    const asked: unknown[] = [];
    const check = rememberedByDomain((value) => {
      asked.push(value);
      return validatorsVerdict(value);
    });
    expect(['ann@example.com', 'bob.smith@example.com', 'carl@bad..com', 'dora@bad..com'].map(check)).toEqual([true, true, false, false]);
    expect(asked).toEqual(['ann@example.com', 'carl@bad..com']);
    expect(['"q q"@example.com', '"q q"@example.com', `${long(65)}@example.com`].map(check)).toEqual([true, true, false]);
    expect(asked).toHaveLength(5);
  });

  it('forgets every domain once full, and stays right', () => {
    const asked: unknown[] = [];
    const check = rememberedByDomain((value) => {
      asked.push(value);
      return validatorsVerdict(value);
    }, 2);
    ['a@one.com', 'a@two.com', 'b@one.com'].forEach(check);
    expect(asked).toEqual(['a@one.com', 'a@two.com']);
    // Full with one.com and two.com: a third domain starts a new memory, so one.com is asked again.
    expect(['a@three', 'c@one.com'].map(check)).toEqual([false, true]);
    expect(asked).toEqual(['a@one.com', 'a@two.com', 'a@three', 'c@one.com']);
  });
});
