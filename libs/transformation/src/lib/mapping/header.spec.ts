import { HEADER_ALIASES, normalizeHeader, type SimpleTarget } from './aliases';
import { resolveHeader, targetOf } from './header';

const fieldsOf = (headers: string[], options = {}) => resolveHeader(headers, options).layout?.columns.map((c) => c.field);

describe('header aliases', () => {
  it('resolves every listed alias to its own target, so no header can mean two fields', () => {
    for (const [target, names] of Object.entries(HEADER_ALIASES) as [SimpleTarget, string[]][]) {
      for (const name of names) expect(targetOf(name)).toEqual({ kind: 'field', field: target });
    }
  });

  it('normalizes case, accents, spaces, underscores, hyphens and dots', () => {
    expect(normalizeHeader(' E-Mail_Address.')).toBe('emailaddress');
    expect(normalizeHeader('Correo Electrónico')).toBe('correoelectronico');
  });
});

describe('resolveHeader', () => {
  it('maps the Infor header set', () => {
    const headers = ['PersonId', 'EmailId', 'FirstName', 'LastName', 'Title', 'Department', 'UserAlias', 'Status',
      'UserName', 'UserIdentifier', 'UPN', 'Picture', 'MinglePicture', 'GenericProperty_LN User', 'SecurityRole1', 'SecurityRole2'];
    expect(fieldsOf(headers)).toEqual(['personId', 'email', 'firstName', 'lastName', 'title', 'department', 'alias', 'status',
      'username', 'identifier', 'upn', 'picture', 'minglePicture', 'genericProperties.LN User', 'securityRoles', 'securityRoles']);
    expect(resolveHeader(headers).layout?.matchBy).toBe('identifier');
  });

  it('maps SMARTFENSE-style headers and matches by e-mail when there is no identifier column', () => {
    const result = resolveHeader(['email', 'first name', 'last name', 'username', 'language', 'manager email', 'active']);
    expect(result.layout?.columns.map((c) => c.field)).toEqual(
      ['email', 'firstName', 'lastName', 'username', 'language', 'managerEmail', 'status']);
    expect(result.layout?.matchBy).toBe('email');
  });

  it('maps other English and Spanish variants', () => {
    expect(fieldsOf(['E-mail', 'Given Name', 'Surname', 'Login', 'Lang', 'Manager', 'Enabled', 'User Principal Name', 'Job Title']))
      .toEqual(['email', 'firstName', 'lastName', 'username', 'language', 'managerEmail', 'status', 'upn', 'title']);
    expect(fieldsOf(['Correo', 'Nombre', 'Apellido', 'Usuario', 'Idioma', 'Email del jefe', 'Activo', 'Departamento', 'Cargo']))
      .toEqual(['email', 'firstName', 'lastName', 'username', 'language', 'managerEmail', 'status', 'department', 'title']);
    expect(fieldsOf(['mail', 'email jefe', 'locale', 'email address'], { matchBy: 'username', mapping: { mail: 'username' } }))
      .toEqual(['username', 'managerEmail', 'language', 'email']);
  });

  it('warns about unknown and unnamed columns instead of failing', () => {
    const result = resolveHeader(['email', 'Foo', '']);
    expect(result.problems).toEqual([]);
    expect(result.layout?.warnings).toEqual([
      "column 'Foo' is not recognised and was ignored",
      'column 3 has no header and was ignored',
    ]);
    expect(result.layout?.columns).toEqual([
      { header: 'email', field: 'email' },
      { header: 'Foo', field: null },
      { header: '', field: null },
    ]);
  });

  it('refuses two columns for the same field, naming both', () => {
    expect(resolveHeader(['EmailId', 'e-mail', 'UserIdentifier', 'UPN']).problems).toEqual([
      "columns 'EmailId' and 'e-mail' both map to email; keep only one",
    ]);
    expect(resolveHeader(['email', 'SecurityRole1', 'Security Role 1']).problems).toEqual([
      "columns 'SecurityRole1' and 'Security Role 1' both map to securityRoles; keep only one",
    ]);
    expect(resolveHeader(['email', 'GenericProperty_Site', 'genericproperty_site']).problems).toHaveLength(1);
  });

  it('refuses Status together with active: both would set the status', () => {
    expect(resolveHeader(['email', 'Status', 'active']).problems).toEqual([
      "columns 'Status' and 'active' both set the status; keep only one",
    ]);
  });

  it('refuses a file without the match-key column, naming it and the accepted names', () => {
    expect(resolveHeader(['EmailId', 'UPN'], { matchBy: 'identifier' }).problems).toEqual([
      'the header has no UserIdentifier column, needed to match users by identifier; accepted names: UserIdentifier, identifier, identificador',
    ]);
    const [message] = resolveHeader(['FirstName', 'UPN']).problems;
    expect(message).toContain('no column to match users by');
    expect(message).toContain('UserIdentifier');
    expect(message).toContain('EmailId');
  });

  it('refuses a header with no names at all', () => {
    expect(resolveHeader(['', ' ']).problems).toEqual(['the header row has no column names']);
  });

  it('applies a custom mapping before the aliases, to a field name or an alias', () => {
    const result = resolveHeader(['Correo Corporativo', 'Rol', 'Sede', 'Nombre'], {
      mapping: { 'correo corporativo': 'email', Rol: 'SecurityRole1', Sede: 'GenericProperty_Site', nombre: 'given name', Extra: 'title' },
    });
    expect(result.layout?.columns.map((c) => c.field)).toEqual(['email', 'securityRoles', 'genericProperties.Site', 'firstName']);
    expect(result.layout?.warnings).toEqual(["the custom mapping for 'Extra' matches no column"]);
  });

  it('refuses a custom mapping to an unknown field', () => {
    expect(resolveHeader(['email', 'Rol'], { mapping: { Rol: 'role' } }).problems).toEqual([
      "the custom mapping sends column 'Rol' to 'role', which is not a known field",
    ]);
  });
});

describe('the Infor format', () => {
  it('requires UPN in a file that names UserIdentifier, and names what is missing', () => {
    expect(resolveHeader(['UserIdentifier', 'EmailId']).problems).toEqual([
      'the file follows the Infor format (it names UserIdentifier or UPN), which requires UPN: it is missing',
    ]);
    expect(resolveHeader(['UPN', 'EmailId'], { matchBy: 'email' }).problems).toEqual([
      'the file follows the Infor format (it names UserIdentifier or UPN), which requires UserIdentifier: it is missing',
    ]);
    expect(resolveHeader(['UserIdentifier', 'UPN', 'EmailId']).problems).toEqual([]);
  });

  it('does not apply to other formats, nor to a column the custom mapping renames', () => {
    expect(resolveHeader(['email', 'first name', 'identifier']).problems).toEqual([]);
    expect(resolveHeader(['UserIdentifier', 'Mail'], { mapping: { UserIdentifier: 'identifier', Mail: 'email' } }).problems).toEqual([]);
  });
});
