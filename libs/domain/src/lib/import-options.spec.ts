import { DEFAULT_IMPORT_OPTIONS, delimiterNamed, optionProblems } from './import-options';

describe('optionProblems', () => {
  it('accepts the defaults', () => expect(optionProblems(DEFAULT_IMPORT_OPTIONS)).toEqual([]));
  it('refuses activate deleted without update existing', () =>
    expect(optionProblems({ ...DEFAULT_IMPORT_OPTIONS, activateDeleted: true, updateExisting: false })).toEqual([
      '"activate deleted" needs "update existing"',
    ]));
  it('refuses activate deleted with create in draft', () =>
    expect(optionProblems({ ...DEFAULT_IMPORT_OPTIONS, activateDeleted: true, createDraft: true })[0]).toMatch(/create in draft/));
});

describe('option values', () => {
  it('refuses a malformed domain and default language', () => {
    expect(optionProblems({ ...DEFAULT_IMPORT_OPTIONS, domain: 'exa mple', defaultLanguage: 'english' })).toEqual([
      'domain "exa mple" is not a domain name such as example.com',
      'default language "english" is not a language tag such as en, es or pt-BR',
    ]);
    expect(optionProblems({ ...DEFAULT_IMPORT_OPTIONS, domain: 'corp.example.com', defaultLanguage: 'pt-BR' })).toEqual([]);
  });
});

describe('delimiterNamed', () => {
  it('takes names and characters, and refuses others', () => {
    expect(['comma', 'Semicolon', 'TAB', ',', ';', '\t'].map(delimiterNamed)).toEqual([',', ';', '\t', ',', ';', '\t']);
    expect(delimiterNamed('pipe')).toBeUndefined();
  });
});
