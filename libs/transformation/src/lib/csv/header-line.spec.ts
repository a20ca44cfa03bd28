import { sniffHeaderLine } from './header-line';

const delimiterOf = (text: string) => sniffHeaderLine(text).delimiter;

describe('sniffHeaderLine', () => {
  it('picks the most frequent of comma, semicolon and tab in the header line', () => {
    expect(delimiterOf('email,first name,last name\n')).toBe(',');
    expect(delimiterOf('email;first name;last name\n')).toBe(';');
    expect(delimiterOf('email\tfirst name\tlast name\n')).toBe('\t');
  });

  it('ignores delimiters inside quoted headers', () => {
    expect(delimiterOf('"Name, full";"Mail, work";Dept\n')).toBe(';');
  });

  it('looks at the header line only, not the data below it', () => {
    expect(delimiterOf('a;b;c\n"x,y,z,w,v",1,2,3,4,5\n')).toBe(';');
  });

  it('takes a rarer delimiter when only it splits the header into a usable one', () => {
    const hasEmail = (cells: string[]) => cells.includes('email');
    // Given a semicolon header with a comma inside a cell: one of each, or more commas than semicolons
    for (const header of ['email;Apellidos, Nombre\n', 'email;Apellidos, Nombre, Segundo\n']) {
      // Then the semicolon, the only one that gives an e-mail column, is the delimiter
      expect(sniffHeaderLine(header, hasEmail).delimiter).toBe(';');
    }
    // The most frequent stays when it gives a usable header, or when none does.
    expect(sniffHeaderLine('email,"Apellidos; Nombre",cargo;área\n', hasEmail).delimiter).toBe(',');
    expect(sniffHeaderLine('mail;Apellidos, Nombre, Segundo\n', hasEmail).delimiter).toBe(',');
  });

  it('counts the blank lines before the header and reads the header after them (CRLF too)', () => {
    expect(sniffHeaderLine('\r\n  \r\na\tb\r\n1,2,3,4,5\r\n')).toEqual({ delimiter: '\t', blankLinesBefore: 2, lineBreak: '\n' });
    expect(sniffHeaderLine('a;b\n')).toEqual({ delimiter: ';', blankLinesBefore: 0, lineBreak: '\n' });
  });

  it('defaults to comma for a one-column header and reads a header cut short by the sample', () => {
    expect(delimiterOf('email\n')).toBe(',');
    expect(delimiterOf('a;b;c;d')).toBe(';');
  });

  it('splits records on LF, which ends CRLF lines too, unless the first line ends with a bare CR', () => {
    const lineBreakOf = (text: string) => sniffHeaderLine(text).lineBreak;
    expect(lineBreakOf('a,b\r\n1,2\n')).toBe('\n');
    expect(lineBreakOf('a,b\n1,2\r\n')).toBe('\n');
    expect(lineBreakOf('a,b\r1,2\r')).toBe('\r');
    expect(lineBreakOf('a,b\r')).toBe('\n'); // perhaps a CRLF cut short by the sample
    expect(lineBreakOf('a,b')).toBe('\n');
  });
});
