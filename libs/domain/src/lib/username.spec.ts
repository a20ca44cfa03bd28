import { generateUsername } from './username';

describe('generateUsername', () => {
  it('uses the lower-cased local part of the e-mail', () => {
    expect(generateUsername('Ada.Lovelace@corp.com', () => false)).toBe('ada.lovelace');
  });
  it('adds the first free numeric suffix on a collision', () => {
    const taken = new Set(['ada', 'ada2']);
    expect(generateUsername('ada@corp.com', (c) => taken.has(c))).toBe('ada3');
  });
});
