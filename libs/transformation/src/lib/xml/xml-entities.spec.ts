import { decodeXmlEntities } from './xml-entities';

describe('decodeXmlEntities', () => {
  it('decodes the predefined entities and character references in one pass', () => {
    expect(decodeXmlEntities('AT&amp;T &lt;&gt;&quot;&apos; &#233;&#xE9;&#x1F600;')).toBe(`AT&T <>"' éé😀`);
    expect(decodeXmlEntities('&amp;amp; &amp;#233;')).toBe('&amp; &#233;');
  });

  it('leaves anything else as written', () => {
    expect(decodeXmlEntities('&nbsp; &foo; & &#0; &#xD800; &#99999999; &amp')).toBe('&nbsp; &foo; & &#0; &#xD800; &#99999999; &amp');
    expect(decodeXmlEntities('plain')).toBe('plain');
  });
});
