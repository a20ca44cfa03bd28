import { resolveHeader } from './header';
import { canonicalLanguage, readRowValues, toUserRecord, type RowValues } from './row-values';

function read(headers: string[], cells: string[], domain?: string): RowValues {
  const layout = resolveHeader(headers).layout;
  if (!layout) throw new Error('bad header');
  const values = { matchBy: layout.matchBy } as RowValues;
  readRowValues(cells, layout, domain, values);
  return values;
}

describe('readRowValues', () => {
  it('trims values and leaves blank cells absent', () => {
    const values = read(['identifier', 'FirstName', 'LastName', 'Title'], [' jdoe ', '', '  ', 'CFO']);
    expect(toUserRecord(values, 2)).toEqual({ row: 2, profile: { identifier: 'jdoe', title: 'CFO' } });
  });

  it('normalizes text to NFC, so a decomposed key is the precomposed one, in every kind of cell', () => {
    const decomposed = 'jo\u0308rg@example.com';
    const values = read(['email', 'FirstName', 'SecurityRole1', 'SecurityRole2', 'GenericProperty_Site'], [decomposed, 'Jo\u0308rg', 'Ro\u0302le', 'R\u00f4le', 'Me\u0301rida']);
    expect(values).toMatchObject({ email: 'j\u00f6rg@example.com', key: 'j\u00f6rg@example.com', firstName: 'J\u00f6rg' });
    expect(values.securityRoles).toEqual(['R\u00f4le']);
    expect(values.genericProperties).toEqual({ Site: 'M\u00e9rida' });
  });

  it('appends @domain to identifiers without one, keeping the key as written', () => {
    expect(read(['identifier'], ['jdoe'], 'example.com')).toMatchObject({ identifier: 'jdoe@example.com', key: 'jdoe' });
    expect(read(['identifier'], ['jdoe'], '@example.com').identifier).toBe('jdoe@example.com');
    expect(read(['identifier'], ['jdoe@other.org'], 'example.com').identifier).toBe('jdoe@other.org');
  });

  it('collects security roles in column order, skipping blanks and duplicates', () => {
    const values = read(['identifier', 'SecurityRole1', 'SecurityRole2', 'SecurityRole3', 'SecurityRole4'], ['u', 'B', '', 'A', 'B']);
    expect(values.securityRoles).toEqual(['B', 'A']);
  });

  it('collects generic properties under their names as written, skipping blanks', () => {
    const values = read(['identifier', 'GenericProperty_LandmarkActorId', 'GenericProperty_LN User'], ['u', 'LA-1', '']);
    expect(values.genericProperties).toEqual({ LandmarkActorId: 'LA-1' });
  });

  it('clears the reused object between rows', () => {
    const layout = resolveHeader(['identifier', 'Title', 'SecurityRole1']).layout;
    if (!layout) throw new Error('bad header');
    const values = {} as RowValues;
    readRowValues(['a', 'CFO', 'R'], layout, undefined, values);
    readRowValues(['b', '', ''], layout, undefined, values);
    expect(toUserRecord(values, 3)).toEqual({ row: 3, profile: { identifier: 'b' } });
  });
});

describe('toUserRecord', () => {
  it('normalizes status and yes/no active values to canonical statuses', () => {
    expect(toUserRecord(read(['email', 'Status'], ['a@x.com', 'inactive']), 2).status).toBe('Inactive');
    expect(toUserRecord(read(['email', 'active'], ['a@x.com', 'Sí']), 2).status).toBe('Active');
    expect(toUserRecord(read(['email', 'active'], ['a@x.com', '0']), 2).status).toBe('Inactive');
    expect(toUserRecord(read(['email', 'active'], ['a@x.com', '']), 2).status).toBeUndefined();
  });

  it('writes language tags in canonical case', () => {
    expect(canonicalLanguage('pt-br')).toBe('pt-BR');
    expect(canonicalLanguage('EN')).toBe('en');
    expect(canonicalLanguage('zh_hant_tw')).toBe('zh-Hant-TW');
    expect(canonicalLanguage('es-419')).toBe('es-419');
  });
});
