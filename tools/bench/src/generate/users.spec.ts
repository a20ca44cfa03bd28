import { CHANGE_OFFSET, csvLine, DROP_OFFSET, emailOf, HEADER, rowCells, TITLES, userAt, variantRow } from './users';

const SEED = 42;
const indexes = (count: number) => Array.from({ length: count }, (_, i) => i);

describe('generated users', () => {
  it('gives the same row for the same seed and index, whatever was generated before', () => {
    const later = userAt(SEED, 5_000);
    indexes(100).forEach((i) => userAt(SEED, i));
    expect(userAt(SEED, 5_000)).toEqual(later);
  });

  it('gives another file for another seed', () => {
    const differing = indexes(200).filter((i) => JSON.stringify(userAt(1, i)) !== JSON.stringify(userAt(2, i)));
    expect(differing.length).toBeGreaterThan(150);
  });

  it('gives every user its own e-mail, identifier and username', () => {
    const users = indexes(20_000).map((i) => userAt(SEED, i));
    for (const field of ['email', 'identifier', 'username'] as const) {
      expect(new Set(users.map((u) => u[field])).size).toBe(users.length);
    }
    expect(users.every((u) => u.email === emailOf(SEED, users.indexOf(u)))).toBe(true);
  });

  it('has every user but the first report to an earlier user of the file', () => {
    expect(userAt(SEED, 0).managerEmail).toBe('');
    for (const i of [1, 8, 9, 64, 12_345]) {
      const manager = Math.floor((i - 1) / 8);
      expect(manager).toBeLessThan(i);
      expect(userAt(SEED, i).managerEmail).toBe(userAt(SEED, manager).email);
    }
  });

  it('makes about one user in fifty inactive', () => {
    const inactive = indexes(20_000).filter((i) => userAt(SEED, i).status === 'Inactive').length;
    expect(inactive).toBeGreaterThan(300);
    expect(inactive).toBeLessThan(500);
  });
});

describe('variants', () => {
  const changedFields = (i: number) => {
    const base = userAt(SEED, i);
    const variant = variantRow(SEED, i, { changeOnePercent: true });
    return Object.keys(base).filter((field) => base[field as keyof typeof base] !== variant?.[field as keyof typeof base]);
  };

  it('changes the title, and only the title, of every hundredth row', () => {
    const changed = indexes(1_000).filter((i) => changedFields(i).length > 0);
    expect(changed).toEqual(indexes(10).map((n) => n * 100 + CHANGE_OFFSET));
    for (const i of changed) {
      expect(changedFields(i)).toEqual(['title']);
      expect(TITLES).toContain(variantRow(SEED, i, { changeOnePercent: true })?.title);
    }
  });

  it('leaves out every hundredth row, never a changed one', () => {
    const variant = { changeOnePercent: true, dropOnePercent: true };
    const dropped = indexes(1_000).filter((i) => variantRow(SEED, i, variant) === undefined);
    expect(dropped).toEqual(indexes(10).map((n) => n * 100 + DROP_OFFSET));
    expect(DROP_OFFSET).not.toBe(CHANGE_OFFSET);
  });

  it('is the base file itself when nothing is asked', () => {
    expect(indexes(300).every((i) => JSON.stringify(variantRow(SEED, i, {})) === JSON.stringify(userAt(SEED, i)))).toBe(true);
  });
});

describe('CSV lines', () => {
  it('quotes only the cells with a comma, quote or line break, doubling their quotes', () => {
    expect(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', ''])).toBe('plain,"a,b","say ""hi""","two\nlines",');
  });

  it('writes a row in the order of the header', () => {
    const user = userAt(SEED, 3);
    const cells = rowCells(user);
    expect(cells).toHaveLength(HEADER.length);
    expect(cells[HEADER.indexOf('EmailId')]).toBe(user.email);
    expect(cells[HEADER.indexOf('ManagerEmail')]).toBe(user.managerEmail);
    expect(cells[HEADER.indexOf('Title')]).toBe(user.title);
  });
});
