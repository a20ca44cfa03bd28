import { IsOptional, validateSync } from 'class-validator';
import { isHeaderMapping, IsHeaderMapping } from './header-mapping';

class WithMapping {
  @IsOptional() @IsHeaderMapping() mapping?: unknown;
}

const problems = (mapping: unknown) => validateSync(Object.assign(new WithMapping(), { mapping })).flatMap((error) => Object.values(error.constraints ?? {}));

describe('isHeaderMapping', () => {
  it('takes an object of header: field texts, the empty one too', () => {
    expect(isHeaderMapping({ Mail: 'email', 'Nombre completo': 'firstName' })).toBe(true);
    expect(isHeaderMapping({})).toBe(true);
  });

  it.each([
    ['a number as field', { EmailId: 5 }],
    ['null as field', { EmailId: null }],
    ['an object as field', { EmailId: { field: 'email' } }],
    ['an empty header', { '': 'email' }],
    ['an array', ['email']],
    ['a text', '{"Mail":"email"}'],
    ['null', null],
  ])('refuses %s', (_case, value) => {
    expect(isHeaderMapping(value)).toBe(false);
  });
});

describe('@IsHeaderMapping', () => {
  it('names the property and the expected shape', () => {
    expect(problems({ EmailId: 5 })).toEqual([expect.stringMatching(/^mapping must be a JSON object of "header in the file": "field" pairs/)]);
    expect(problems({ EmailId: 'email' })).toEqual([]);
  });
});
