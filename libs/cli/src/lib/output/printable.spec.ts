import { printable } from './printable';
import { formatTable } from './table';

describe('printable', () => {
  it('escapes control and invisible characters, keeping the rest as written', () => {
    expect(printable('\u001b[2J\u001b[31mevil')).toBe('\\u001b[2J\\u001b[31mevil');
    expect(printable('a\tb\r\nc\u0007\u007f\u009b')).toBe('a\\tb\\r\\nc\\u0007\\u007f\\u009b');
    expect(printable('bob@example.com\u200b \u202egnp.exe \u{e0041}')).toBe('bob@example.com\\u200b \\u202egnp.exe \\u{e0041}');
    expect(printable('José Müller 王 😀')).toBe('José Müller 王 😀');
  });

  it('is applied to every cell of a table, which keeps its columns aligned', () => {
    expect(formatTable(['key', 'n'], [['\u001b[2Jx', '1'], ['y', '22']])).toBe(
      [`key${' '.repeat(9)}n`, '----------  --', '\\u001b[2Jx  1', `y${' '.repeat(11)}22`, ''].join('\n'),
    );
  });
});
