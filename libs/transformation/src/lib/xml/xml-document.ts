import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FileRejectedError } from '../errors';
import { decodeXmlEntities } from './xml-entities';

export const ROOT_ELEMENT = 'Users';
export const USER_ELEMENT = 'User';

const ATTRIBUTE_PREFIX = '@_';
const TEXT_KEY = '#text';
const CDATA_KEY = '#cdata';

/**
 * Safe settings (see REFERENCE.md, fast-xml-parser): entities are never processed by the parser
 * (the DOCTYPE is refused before parsing anyway), values stay strings, and every element below the
 * root is an array, so one `<User>`, `<SecurityRole>` or `<GenericProperty>` is not a special case
 * and a child element written twice shows as an array of two.
 */
const parser = new XMLParser({
  processEntities: false,
  htmlEntities: false,
  ignoreAttributes: false,
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  textNodeName: TEXT_KEY,
  // CDATA is kept apart so that entity decoding (text only) never touches it: `<![CDATA[a&amp;b]]>` is `a&amp;b`.
  cdataPropName: CDATA_KEY,
  commentPropName: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  removeNSPrefix: true,
  jPath: true,
  isArray: (name, path, _leaf, isAttribute) =>
    !isAttribute && !name.startsWith('#') && (typeof path !== 'string' || path.includes('.')),
});

/** One element as the parser gives it; read it with `contentOf`. */
export type XmlNode = unknown;

/** An element's own text (trimmed, entities decoded, CDATA as written), attributes and child elements. */
export interface ElementContent {
  text: string;
  attributes: [name: string, value: string][];
  /** Child elements by name, each name once with every element of that name in document order. */
  children: [name: string, nodes: XmlNode[]][];
}

/**
 * Checks that the text is well-formed XML with a `<Users>` root holding only `<User>` elements,
 * and returns those, in document order. Anything else concerns the whole file: FileRejectedError.
 */
export function readUserElements(text: string, fileName: string): XmlNode[] {
  const valid = XMLValidator.validate(text, { allowBooleanAttributes: false });
  if (valid !== true) {
    const { line, col, msg } = valid.err;
    throw new FileRejectedError(fileName, [{ message: `the file is not well-formed XML: line ${line}, column ${col}: ${msg}` }]);
  }
  let document: Record<string, unknown>;
  try {
    document = parser.parse(text) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FileRejectedError(fileName, [{ message: `the file could not be read as XML: ${reason}` }]);
  }

  const roots = Object.keys(document).filter((key) => !key.startsWith('#') && !key.startsWith(ATTRIBUTE_PREFIX));
  const expected = `a user file has one root element <${ROOT_ELEMENT}> with one <${USER_ELEMENT}> element per user`;
  const reject = (message: string) => new FileRejectedError(fileName, [{ message }]);
  if (roots.length === 0) throw reject(`the file has no root element; ${expected}`);
  if (roots.length > 1 || Array.isArray(document[roots[0]])) {
    throw reject(`the file has more than one root element (${roots.map((r) => `<${r}>`).join(', ')}); ${expected}`);
  }
  if (roots[0] !== ROOT_ELEMENT) throw reject(`the root element is <${roots[0]}>; ${expected}`);

  const root = contentOf(document[ROOT_ELEMENT]);
  const others = root.children.filter(([name]) => name !== USER_ELEMENT).map(([name]) => `<${name}>`);
  if (others.length > 0) throw reject(`<${ROOT_ELEMENT}> contains ${others.join(', ')}; ${expected}`);
  if (root.text) throw reject(`<${ROOT_ELEMENT}> contains text outside any <${USER_ELEMENT}> (${quoteShort(root.text)}); ${expected}`);
  return root.children[0]?.[1] ?? [];
}

/** The names of an element's children, without decoding anything (cheap first pass). */
export function childNames(node: XmlNode): string[] {
  if (!isObject(node)) return [];
  return Object.keys(node).filter((key) => !key.startsWith('#') && !key.startsWith(ATTRIBUTE_PREFIX));
}

export function contentOf(node: XmlNode): ElementContent {
  if (!isObject(node)) return { text: node == null ? '' : decodeXmlEntities(String(node)), attributes: [], children: [] };
  const content: ElementContent = { text: '', attributes: [], children: [] };
  let cdata = '';
  for (const [key, value] of Object.entries(node)) {
    if (key === TEXT_KEY) content.text = decodeXmlEntities(String(value));
    else if (key === CDATA_KEY) cdata = (Array.isArray(value) ? value : [value]).map(String).join('');
    else if (key.startsWith(ATTRIBUTE_PREFIX)) content.attributes.push([key.slice(ATTRIBUTE_PREFIX.length), decodeXmlEntities(String(value))]);
    else content.children.push([key, Array.isArray(value) ? value : [value]]);
  }
  // Text and CDATA in one element: the parser does not keep their order; text comes first.
  content.text = (content.text + cdata).trim();
  return content;
}

function isObject(node: XmlNode): node is Record<string, unknown> {
  return typeof node === 'object' && node !== null && !Array.isArray(node);
}

function quoteShort(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
