import { getMetadataStorage, validateSync } from 'class-validator';
import { passesEveryRule, USER_ROW_RULES, UserRowDto } from './user-row.dto';
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

  it('refuses invisible and control characters in key-like fields, control characters in the others, and U+FFFD in any', () => {
    const problems = validateRow(
      dto({
        identifier: 'bob\u200b', email: '\ufeffbob@example.com', upn: 'bob\tx', firstName: 'B\ufffdb', title: 'Head\u001b[2J',
        department: 'Sales\u200b\tEMEA\r\n', securityRoles: ['ok', 'R\u0085'], genericProperties: { Site: 'HQ\u0000' },
      }),
    );
    expect(problems).toEqual([
      { field: 'identifier', message: 'identifier "bob\u200b" holds the invisible or control character U+200B; remove it' },
      { field: 'upn', message: 'upn "bob\\tx" holds the invisible or control character U+0009; remove it' },
      { field: 'email', message: 'email "\ufeffbob@example.com" holds the invisible or control character U+FEFF; remove it' },
      { field: 'firstName', message: "firstName \"B\ufffdb\" holds bytes that are not valid text in the file's encoding (shown as \ufffd); save the file as UTF-8" },
      { field: 'title', message: 'title "Head\\u001b[2J" holds the invisible or control character U+001B; remove it' },
      { field: 'securityRoles', message: 'securityRoles "R\u0085" holds the invisible or control character U+0085; remove it' },
      { field: 'genericProperties', message: 'genericProperties.Site "HQ\\u0000" holds the invisible or control character U+0000; remove it' },
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

describe('the plain-function rules (USER_ROW_RULES) that spare valid rows the decorator machinery', () => {
  /** Each decorated property of UserRowDto and the names of its decorators, read from class-validator. */
  function decoratorsByProperty(): Record<string, string[]> {
    const byProperty: Record<string, string[]> = {};
    for (const metadata of getMetadataStorage().getTargetValidationMetadatas(UserRowDto, '', true, false)) {
      const name = metadata.type === 'conditionalValidation' ? metadata.name : `${metadata.name ?? metadata.type}${metadata.each ? '[each]' : ''}`;
      (byProperty[metadata.propertyName] ??= []).push(name ?? metadata.type);
    }
    return Object.fromEntries(Object.entries(byProperty).map(([property, names]) => [property, names.sort()]));
  }

  it('cover exactly the decorated properties, with the decorators they were written for', () => {
    // Change this table, and USER_ROW_RULES, together with the decorators.
    const optionalKey = ['isOptional', 'keyText', 'maxLength'];
    const optionalText = ['isOptional', 'maxLength', 'plainText'];
    const optionalEmail = ['isEmail', 'isOptional', 'keyText', 'maxLength'];
    expect(decoratorsByProperty()).toEqual({
      key: ['isNotEmpty'],
      identifier: optionalKey,
      upn: optionalKey,
      email: optionalEmail,
      username: optionalKey,
      personId: optionalText,
      firstName: optionalText,
      lastName: optionalText,
      title: optionalText,
      department: optionalText,
      alias: optionalText,
      language: ['isOptional', 'matches'],
      managerEmail: optionalEmail,
      picture: optionalText,
      minglePicture: optionalText,
      status: ['isOptional', 'isStatus'],
      active: ['isActiveFlag', 'isOptional'],
      securityRoles: ['isOptional', 'maxLength[each]', 'plainText[each]'],
      genericProperties: ['isOptional', 'propertyValuesMaxLength', 'propertyValuesPlainText'],
    });
    expect(Object.keys(USER_ROW_RULES).sort()).toEqual(Object.keys(decoratorsByProperty()).sort());
  });

  // Values chosen to sit on the rules' edges: blank and missing, length 256/257 (and 256 emoji,
  // 512 UTF-16 units), e-mail forms validator.js accepts or refuses, tags, statuses, flags.
  const long = (n: number) => 'x'.repeat(n);
  const POOLS: Record<string, unknown[]> = {
    // Then characters: invisible (Cf), tab and line breaks, other controls (C0, C1), U+FFFD.
    text: [undefined, null, '', ' ', 'Ada', long(256), long(257), '😀'.repeat(256), '😀'.repeat(257), 'Ada\u200b', '\ufeffAda', 'A\tb\r\nc', 'A\u0007', 'A\u0085', 'B\ufffdb', 'Jörg'],
    email: [undefined, null, '', 'a@b.co', 'A@B.COM', 'bob@', 'bob', 'a..b@c.com', '.a@c.com', 'a@localhost', 'ü@exämple.de', '"q q"@x.com', 'a@b.c', 'a@1.2.3.4', `${long(64)}@x.com`, `${long(65)}@x.com`, `a@${long(250)}.com`, 42, 'bob@example.com\u200b', 'b\u00adob@example.com', 'jos\ufffd@example.com'],
    language: [undefined, null, '', 'en', 'pt-BR', 'pt_br', 'zh-Hant-TW', 'es-419', 'english', 'e', 'en-', 7],
    status: [undefined, null, '', 'Active', 'inactive', 'DRAFT', 'Deleted', 'enabled'],
    active: [undefined, null, '', 'yes', 'No', 'true', '0', 'sí', 'maybe'],
    roles: [undefined, null, [], ['Admin'], [long(256)], ['ok', long(257)], ['😀'.repeat(257)], ['ok', 'R\u0001'], 'R\u0001'],
    properties: [undefined, null, {}, { Site: 'Lyon' }, { Site: long(256) }, { Site: long(257) }, { Site: 'L\u009b2J' }, { Site: 'Ly\ufffdn' }],
  };
  const POOL_OF: Record<string, string> = {
    email: 'email', managerEmail: 'email', language: 'language', status: 'status', active: 'active',
    securityRoles: 'roles', genericProperties: 'properties',
  };
  const poolFor = (property: string) => POOLS[POOL_OF[property] ?? 'text'];

  /** Both verdicts must be equal; returns class-validator's. */
  const agree = (row: UserRowDto): boolean => {
    const verdict = validateSync(row, { validationError: { target: false, value: false }, forbidUnknownValues: false }).length === 0;
    expect({ row, passes: passesEveryRule(row) }).toEqual({ row, passes: verdict });
    return verdict;
  };

  it('agree with class-validator on every edge value of every property', () => {
    for (const property of Object.keys(USER_ROW_RULES)) {
      for (const value of property === 'key' ? POOLS.text : poolFor(property)) {
        agree(Object.assign(new UserRowDto(), { key: 'k' }, { [property]: value }));
      }
    }
  });

  it('agree with class-validator on thousands of random rows mixing those values', () => {
    let seed = 7;
    const pick = <T>(values: T[]): T => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31; // a fixed sequence: a failure can be replayed
      return values[seed % values.length];
    };
    const verdicts = { valid: 0, invalid: 0 };
    for (let i = 0; i < 3000; i++) {
      const row = new UserRowDto();
      for (const property of Object.keys(USER_ROW_RULES)) {
        // Items 3 and 4 of every pool are valid; any value at all one time in twenty, so that
        // valid rows, and rows with a single problem, are both common.
        const pool = property === 'key' ? POOLS.text : poolFor(property);
        (row as unknown as Record<string, unknown>)[property] = pick(Array.from({ length: 20 }, (_, n) => n)) > 0 ? pick(pool.slice(3, 5)) : pick(pool);
      }
      verdicts[agree(row) ? 'valid' : 'invalid']++;
    }
    expect(verdicts.valid).toBeGreaterThan(300);
    expect(verdicts.invalid).toBeGreaterThan(300);
  });
});
