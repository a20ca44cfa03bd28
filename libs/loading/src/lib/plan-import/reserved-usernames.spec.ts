import { ReservedUsernames } from './reserved-usernames';

describe('ReservedUsernames', () => {
  it('holds every name added, compared trimmed and case-insensitively, and no blank one', () => {
    const reserved = ReservedUsernames.forNames(3);
    for (const name of ['ada', ' Grace.Hopper ', 'josé']) reserved.add(name);
    reserved.add('');
    reserved.add(null);
    reserved.add(undefined);
    for (const name of ['ADA', 'grace.hopper', 'JOSÉ ']) expect(reserved.mayHold(name)).toBe(true);
    expect(reserved.mayHold('grace')).toBe(false);
    expect(reserved.mayHold('')).toBe(false);
    expect(reserved.mayHold('   ')).toBe(false);
  });

  it('compares names beyond ASCII, and spaces trim() removes, as the directory does', () => {
    const reserved = ReservedUsernames.forNames(4);
    for (const name of ['\tAda\r\n', '\u00a0Zoë', 'ÅSA']) reserved.add(name);
    for (const name of ['ada', ' ADA ', 'zoë', 'ZOË\u2028', 'åsa']) expect(reserved.mayHold(name)).toBe(true);
    expect(reserved.mayHold('\u00a0')).toBe(false); // blank once trimmed
  });

  it('never misses a name it holds, and rarely reports one it does not hold', () => {
    const names = 100_000;
    const reserved = ReservedUsernames.forNames(names);
    for (let n = 0; n < names; n++) reserved.add(`user.${n}`);
    for (let n = 0; n < names; n++) {
      if (!reserved.mayHold(`user.${n}`)) throw new Error(`user.${n} was added but is not held`);
    }
    let falsePositives = 0;
    for (let n = 0; n < names; n++) if (reserved.mayHold(`other.${n}`)) falsePositives++;
    expect(falsePositives).toBeLessThan(10); // by chance about 2 (100,000 names of 2^32 hashes)
  });

  it('holds no name while empty, not even one whose hash is 0 like its unused room', () => {
    const zeroHash = 'v1iraa1l'; // its FNV-1a (32 bits) is 0
    expect(ReservedUsernames.forNames(10).mayHold(zeroHash)).toBe(false);
  });

  it('grows past the names it was sized for, and holds names added after a look-up', () => {
    const reserved = ReservedUsernames.forNames(0);
    for (let n = 0; n < 100; n++) reserved.add(`name${n}`);
    expect(reserved.mayHold('NAME99')).toBe(true);
    reserved.add('late');
    expect(reserved.mayHold('late')).toBe(true);
    expect(reserved.mayHold('name0')).toBe(true);
    expect(reserved.hashes()).toHaveLength(101);
  });

  it('crosses to another thread as its hashes, and nothing of the room it was given', () => {
    const reserved = ReservedUsernames.forNames(1_000);
    for (const name of ['zoë', 'ada', 'grace']) reserved.add(name);
    const hashes = reserved.hashes();
    expect(hashes.buffer.byteLength).toBe(3 * 4);
    const copy = ReservedUsernames.fromHashes(structuredClone(hashes));
    expect(['Ada', 'GRACE', 'Zoë', 'lin'].map((name) => copy.mayHold(name))).toEqual([true, true, true, false]);
    expect(ReservedUsernames.fromHashes(new Uint32Array(0)).mayHold('ada')).toBe(false);
  });
});
