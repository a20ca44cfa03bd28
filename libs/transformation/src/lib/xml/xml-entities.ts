/**
 * The parser runs with `processEntities: false`, so it hands back text exactly as written:
 * `AT&amp;T` stays `AT&amp;T`. This decodes, after parsing, only what XML itself defines without a
 * DTD: the five predefined entities and numeric character references. It is one left-to-right
 * pass, so a decoded `&` never starts another reference (`&amp;lt;` gives `&lt;`, not `<`), and
 * the output is never longer than the input: nothing here can expand.
 *
 * Anything else that looks like a reference (`&nbsp;`, `&foo;`, `&#0;`) could only be defined by
 * a DTD, which is refused, so it stays as written.
 */
const REFERENCE = /&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,8})|#x([0-9a-fA-F]{1,7}));/g;

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export function decodeXmlEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (whole, name: string | undefined, decimal: string | undefined, hex: string | undefined) => {
    if (name) return PREDEFINED[name];
    const code = decimal !== undefined ? Number.parseInt(decimal, 10) : Number.parseInt(hex ?? '', 16);
    return isXmlChar(code) ? String.fromCodePoint(code) : whole;
  });
}

/** The characters XML 1.0 allows in a document (so `&#0;` or a lone surrogate is not one). */
function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}
