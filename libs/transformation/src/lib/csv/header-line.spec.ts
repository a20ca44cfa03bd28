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

  it('counts the blank lines before the header and reads the header after them (CRLF too)', () => {
    expect(sniffHeaderLine('\r\n  \r\na\tb\r\n1,2,3,4,5\r\n')).toEqual({ delimiter: '\t', blankLinesBefore: 2 });
    expect(sniffHeaderLine('a;b\n')).toEqual({ delimiter: ';', blankLinesBefore: 0 });
  });

  it('defaults to comma for a one-column header and reads a header cut short by the sample', () => {
    expect(delimiterOf('email\n')).toBe(',');
    expect(delimiterOf('a;b;c;d')).toBe(';');
  });
});
