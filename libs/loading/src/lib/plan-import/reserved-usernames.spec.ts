import { ReservedUsernames } from './reserved-usernames';

describe('ReservedUsernames', () => {
  it('holds every name added, compared trimmed and case-insensitively, and no blank one', () => {
    const reserved = ReservedUsernames.forNames(3);
    for (const name of ['ada', ' Grace.Hopper ', 'josé']) reserved.add(name);
    reserved.add('');
    reserved.add(null);
    reserved.add(undefined);
    for (const name of ['ADA', 'grace.hopper', 'JOSÉ ']) expect(reserved.mayHold(name)).toBe(true);
    expect(reserved.mayHold('')).toBe(false);
    expect(reserved.mayHold('   ')).toBe(false);
  });

  it('never misses a name it holds, and reports few it does not hold (about 1 %)', () => {
    const names = 100_000;
    const reserved = ReservedUsernames.forNames(names);
    for (let n = 0; n < names; n++) reserved.add(`user.${n}`);
    for (let n = 0; n < names; n++) {
      if (!reserved.mayHold(`user.${n}`)) throw new Error(`user.${n} was added but is not held`);
    }
    let falsePositives = 0;
    for (let n = 0; n < names; n++) if (reserved.mayHold(`other.${n}`)) falsePositives++;
    expect(falsePositives / names).toBeLessThan(0.015);
  });

  it('holds nothing while empty, and the same names once its bits cross to another filter', () => {
    const reserved = ReservedUsernames.forNames(1_000);
    expect(reserved.mayHold('ada')).toBe(false);
    reserved.add('ada');
    const copy = ReservedUsernames.fromBits(structuredClone(reserved.bits));
    expect(copy.mayHold('Ada')).toBe(true);
    expect(copy.mayHold('grace')).toBe(false);
  });

  it('compares names beyond ASCII, and spaces trim() removes, as the directory does', () => {
    const reserved = ReservedUsernames.forNames(4);
    for (const name of ['\tAda\r\n', '\u00a0Zoë', 'ÅSA']) reserved.add(name);
    for (const name of ['ada', ' ADA ', 'zoë', 'ZOË\u2028', 'åsa']) expect(reserved.mayHold(name)).toBe(true);
    expect(reserved.mayHold('\u00a0')).toBe(false); // blank once trimmed
  });

  it('is sized at about 10 bits a name, in whole blocks of 64 bytes', () => {
    expect(ReservedUsernames.forNames(1_000_000).bits.byteLength).toBe(19_532 * 64);
    expect(ReservedUsernames.forNames(0).bits.byteLength).toBe(64);
    expect(() => ReservedUsernames.fromBits(new Uint32Array(10))).toThrow('10 words are not whole blocks of 16');
  });
});
