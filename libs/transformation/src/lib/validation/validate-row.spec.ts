import { UserRowDto } from './user-row.dto';
import { validateRow } from './validate-row';

function dto(values: Partial<UserRowDto>): UserRowDto {
  return Object.assign(new UserRowDto(), { key: values.identifier ?? values.email, ...values });
}

describe('validateRow', () => {
  it('accepts a valid row', () => {
    const row = dto({ identifier: 'jdoe', email: 'J.Doe@Example.com', managerEmail: 'boss@example.com', language: 'pt-br', status: 'draft', active: undefined });
    expect(validateRow(row)).toEqual([]);
  });

  it('requires the match key, naming its field', () => {
    expect(validateRow(dto({ matchBy: 'email', key: undefined, firstName: 'Ann' }))).toEqual([
      { field: 'email', message: 'email is blank; it is needed to match the user' },
    ]);
  });

  it('reports every problem of a row, each with its field and the bad value quoted', () => {
    const problems = validateRow(
      dto({ identifier: 'jdoe', email: 'bob@', managerEmail: 'boss', language: 'english', status: 'Enabled', firstName: 'x'.repeat(257) }),
    );
    expect(problems).toEqual(
      expect.arrayContaining([
        { field: 'email', message: 'email "bob@" is not a valid e-mail address' },
        { field: 'managerEmail', message: 'managerEmail "boss" is not a valid e-mail address' },
        { field: 'language', message: 'language "english" is not a language tag such as en, es or pt-BR' },
        { field: 'status', message: 'status "Enabled" is not one of Active, Inactive, Draft' },
        { field: 'firstName', message: expect.stringMatching(/^firstName "x+…" is longer than 256 characters$/) },
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('reports an unknown active value under status', () => {
    expect(validateRow(dto({ email: 'a@x.com', matchBy: 'email', active: 'maybe' }))).toEqual([
      { field: 'status', message: 'active "maybe" is not one of yes, no, true, false, 1, 0, sí, active, inactive' },
    ]);
  });

  it('limits security roles and generic property values to 256 characters', () => {
    const long = 'r'.repeat(300);
    expect(validateRow(dto({ identifier: 'u', securityRoles: ['ok', long], genericProperties: { Site: 'HQ', Note: long } }))).toEqual([
      { field: 'securityRoles', message: expect.stringMatching(/^securityRoles "r+…" is longer than 256 characters$/) },
      { field: 'genericProperties', message: expect.stringMatching(/^genericProperties\.Note "r+…" is longer than 256 characters$/) },
    ]);
  });
});
