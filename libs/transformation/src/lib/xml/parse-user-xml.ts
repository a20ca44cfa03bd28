import type { RowProblem } from '@dirsync/domain';
import { FileRejectedError } from '../errors';
import { normalizeHeader } from '../mapping/aliases';
import { resolveHeader, type ColumnTarget, type HeaderLayout, type HeaderWording } from '../mapping/header';
import { assignValue, clearRowValues, completeRowValues, toUserRecord } from '../mapping/row-values';
import type { ParseOptions, ParseSummary, RowSink } from '../types';
import { UserRowDto } from '../validation/user-row.dto';
import { rejectedRow, validateRow } from '../validation/validate-row';
import { childNames, contentOf, readUserElements, USER_ELEMENT, type ElementContent, type XmlNode } from './xml-document';
import { DEFAULT_MAX_XML_BYTES, readXmlSource } from './xml-source';

export { DEFAULT_MAX_XML_BYTES } from './xml-source';

export type XmlParseOptions = ParseOptions & {
  /** Largest file accepted, checked before reading; default 50 MiB. */
  maxXmlBytes?: number;
};

/**
 * The XML user file (samples/users.xml is the documented example):
 *
 *   <Users>
 *     <User>
 *       <UserIdentifier>ada@example.com</UserIdentifier>   child elements named like the CSV headers,
 *       <EmailId>ada@example.com</EmailId>                 matched through the same aliases
 *       <Status>Active</Status>                            (EmailId, email, mail, correo…)
 *       <SecurityRoles>
 *         <SecurityRole>Admin</SecurityRole>               any number; flat <SecurityRole1>… also work
 *       </SecurityRoles>
 *       <GenericProperties>
 *         <GenericProperty name="CostCenter">CC-100</GenericProperty>   flat <GenericProperty_CostCenter> also works
 *       </GenericProperties>
 *     </User>
 *   </Users>
 *
 * Rules, the CSV ones wherever they apply:
 * - The row number of a user is its `<User>` element's 1-based index (the first user is row 1),
 *   not a spreadsheet row as in CSV, where the header is row 1.
 * - The distinct child element names across all users play the role of the CSV header: unknown
 *   ones give one warning each; two names for the same field, or no user with the match-key
 *   element at all, refuse the file; the match key is the identifier when any user has one, else
 *   the e-mail (or `matchBy`).
 * - A user without the match-key element, with the same field element twice, with a field element
 *   that holds elements instead of text, or with a generic property given twice, is rejected.
 * - An empty or missing element keeps the stored value, like a blank cell. Every `<User>` counts
 *   as a row, even an empty one (rejected: it has no key).
 * - Text: entities are never expanded by the parser; afterwards `&amp; &lt; &gt; &quot; &apos;`
 *   and numeric references (`&#233;`) are decoded, so `AT&amp;T` is `AT&T`; CDATA is kept as
 *   written; any other `&name;` stays as written (it could only be defined by a DTD, which is refused).
 * - Attributes are ignored (with a warning), except `name` on `<GenericProperty>`.
 *
 * The whole file is read in memory (fast-xml-parser does not stream), hence the size cap. Throws
 * FileRejectedError, before any row reaches the sink, when the file as a whole is unusable.
 */
export async function parseUserXml(filePath: string, options: XmlParseOptions, sink: RowSink): Promise<ParseSummary> {
  const { fileName } = options;
  const source = await readXmlSource(filePath, fileName, options.maxXmlBytes ?? DEFAULT_MAX_XML_BYTES, options.encoding);
  const users = readUserElements(source.text, fileName);
  const counts = { total: users.length, valid: 0, rejected: 0 };

  if (users.length === 0) {
    return {
      encoding: source.encoding,
      delimiter: '',
      matchBy: options.matchBy ?? 'email',
      columns: [],
      totalRows: 0,
      validRows: 0,
      rejectedRows: 0,
      warnings: [`the file has no <${USER_ELEMENT}> elements`],
    };
  }

  const reader = new UserReader(fieldLayout(users, options), options.domain);
  for (const [index, user] of users.entries()) {
    const row = index + 1;
    const { values, problems } = reader.read(user);
    if (problems.length > 0) {
      counts.rejected++;
      await sink.reject(rejectedRow(row, values, problems));
    } else {
      counts.valid++;
      await sink.record(toUserRecord(values, row));
    }
  }

  return {
    encoding: source.encoding,
    delimiter: '',
    matchBy: reader.layout.matchBy,
    columns: [...reader.layout.columns, ...reader.nestedColumns.values()],
    totalRows: counts.total,
    validRows: counts.valid,
    rejectedRows: counts.rejected,
    warnings: [...reader.layout.warnings, ...reader.warnings],
  };
}

const XML_WORDING: HeaderWording = {
  noun: 'element',
  name: (header) => `<${header}>`,
  nothing: `no <${USER_ELEMENT}> has any field element (such as <UserIdentifier> or <EmailId>)`,
  missing: (keyHeader) => `no <${USER_ELEMENT}> has a <${keyHeader}> element`,
};

/** `<SecurityRoles>` and `<GenericProperties>` hold several values; `<GenericProperty name="…">` may also stand alone. */
const ROLE_LIST = 'securityroles';
const ROLE = 'securityrole';
const PROPERTY_LIST = 'genericproperties';
const PROPERTY = 'genericproperty';
const NESTED = new Set([ROLE_LIST, PROPERTY_LIST, PROPERTY]);

/** First pass: the distinct single-value child names act as the CSV header, with the same rules. */
function fieldLayout(users: XmlNode[], options: ParseOptions): HeaderLayout {
  const names = new Set<string>();
  for (const user of users) {
    for (const name of childNames(user)) if (!NESTED.has(normalizeHeader(name))) names.add(name);
  }
  const header = resolveHeader([...names], { matchBy: options.matchBy, mapping: options.mapping, wording: XML_WORDING });
  if (!header.layout) throw new FileRejectedError(options.fileName, header.problems.map((message) => ({ message })));
  return header.layout;
}

/** Second pass: one `<User>` at a time into the row values the CSV path validates. */
class UserReader {
  readonly warnings: string[] = [];
  /** Summary entries for roles and properties given inside `<SecurityRoles>` / `<GenericProperties>`. */
  readonly nestedColumns = new Map<string, { header: string; field: string }>();
  private readonly warned = new Set<string>();
  private readonly fields: Map<string, { target: ColumnTarget; label: string }>;
  private readonly values = new UserRowDto(); // reused for every user
  private problems: RowProblem[] = [];
  /** Generic property names already set on the current user (lower case), to refuse a second value. */
  private readonly properties = new Set<string>();

  constructor(
    readonly layout: HeaderLayout,
    private readonly domain: string | undefined,
  ) {
    this.fields = new Map();
    layout.columns.forEach(({ header, field }, index) => {
      const target = layout.targets[index];
      if (target && field) this.fields.set(header, { target, label: field });
    });
  }

  read(user: XmlNode): { values: UserRowDto; problems: RowProblem[] } {
    const { values } = this;
    clearRowValues(values, this.layout.matchBy);
    this.problems = [];
    this.properties.clear();
    const content = contentOf(user);
    if (content.text) this.warn(`text directly inside <${USER_ELEMENT}> (outside its child elements) is ignored`);
    this.warnAttributes(USER_ELEMENT, content.attributes);

    for (const [name, nodes] of content.children) {
      const kind = normalizeHeader(name);
      if (kind === ROLE_LIST) nodes.forEach((node) => this.readRoleList(name, node));
      else if (kind === PROPERTY_LIST) nodes.forEach((node) => this.readPropertyList(name, node));
      else if (kind === PROPERTY) nodes.forEach((node) => this.readProperty(name, node, ''));
      else this.readField(name, nodes);
    }
    completeRowValues(values, this.domain);
    return { values, problems: [...this.problems, ...validateRow(values)] };
  }

  private readField(name: string, nodes: XmlNode[]): void {
    const field = this.fields.get(name);
    if (!field) return; // unknown: warned once for the file by resolveHeader
    const { target, label } = field;
    // Security roles are a list: a role element may repeat. Anything else has one value.
    if (nodes.length > 1 && target.kind !== 'securityRole') {
      this.problems.push({ field: label, message: `<${name}> appears ${nodes.length} times in this <${USER_ELEMENT}>; keep only one` });
      return;
    }
    for (const node of nodes) {
      const value = this.textOf(name, node, label);
      if (target.kind === 'genericProperty' && !this.claimProperty(target.name, label)) continue;
      if (value) assignValue(this.values, target, value);
    }
  }

  private readRoleList(listName: string, node: XmlNode): void {
    const list = this.listContent(listName, node, 'securityRoles', 'SecurityRole');
    for (const [name, roles] of list) {
      const path = `${listName}/${name}`;
      if (normalizeHeader(name) !== ROLE) {
        this.warn(`element <${listName}><${name}> is not recognised and was ignored`);
        continue;
      }
      this.nestedColumns.set(path, { header: path, field: 'securityRoles' });
      for (const role of roles) {
        const value = this.textOf(path, role, 'securityRoles');
        if (value) assignValue(this.values, { kind: 'securityRole' }, value);
      }
    }
  }

  private readPropertyList(listName: string, node: XmlNode): void {
    for (const [name, properties] of this.listContent(listName, node, 'genericProperties', 'GenericProperty name="…"')) {
      if (normalizeHeader(name) !== PROPERTY) {
        this.warn(`element <${listName}><${name}> is not recognised and was ignored`);
        continue;
      }
      properties.forEach((property) => this.readProperty(name, property, `${listName}/`));
    }
  }

  /** `<GenericProperty name="CostCenter">CC-100</GenericProperty>`, inside `<GenericProperties>` or not. */
  private readProperty(elementName: string, node: XmlNode, parentPath: string): void {
    const content = contentOf(node);
    const attribute = content.attributes.find(([attr]) => attr.toLowerCase() === 'name');
    const name = attribute?.[1].trim();
    if (!name) {
      this.problems.push({
        field: 'genericProperties',
        message: `a <${elementName}> has no name attribute; write <${elementName} name="CostCenter">value</${elementName}>`,
      });
      return;
    }
    const label = `genericProperties.${name}`;
    if (name === '__proto__') {
      this.problems.push({ field: 'genericProperties', message: `"${name}" cannot be a generic property name` });
      return;
    }
    const path = `${parentPath}${elementName}[@name="${name}"]`;
    if (!this.nestedColumns.has(path)) this.nestedColumns.set(path, { header: path, field: label });
    this.warnAttributes(elementName, content.attributes.filter(([attr]) => attr !== attribute?.[0]));
    const value = this.textIn(`${parentPath}${elementName}`, content, label);
    if (this.claimProperty(name, label) && value) assignValue(this.values, { kind: 'genericProperty', name }, value);
  }

  /** The children of `<SecurityRoles>` / `<GenericProperties>`; text there is a mistake worth rejecting. */
  private listContent(listName: string, node: XmlNode, field: string, itemName: string) {
    const content = contentOf(node);
    this.warnAttributes(listName, content.attributes);
    if (content.text) {
      this.problems.push({ field, message: `<${listName}> must contain <${itemName}> elements, not text` });
    }
    return content.children;
  }

  /** False (and a problem) when this user already set the property, in either form. */
  private claimProperty(name: string, label: string): boolean {
    const key = name.toLowerCase();
    if (!this.properties.has(key)) {
      this.properties.add(key);
      return true;
    }
    this.problems.push({ field: label, message: `generic property "${name}" is given twice in this <${USER_ELEMENT}>; keep only one` });
    return false;
  }

  /** A value element's trimmed text; its attributes are ignored (with a warning). */
  private textOf(name: string, node: XmlNode, field: string): string {
    const content = contentOf(node);
    this.warnAttributes(name, content.attributes);
    return this.textIn(name, content, field);
  }

  /** An element inside a value is a problem for the row: the value is not guessed. */
  private textIn(name: string, content: ElementContent, field: string): string {
    if (content.children.length > 0) {
      const inner = content.children.map(([child]) => `<${child}>`).join(', ');
      this.problems.push({ field, message: `<${name}> must contain text only, but contains ${inner}` });
      return '';
    }
    return content.text;
  }

  private warnAttributes(element: string, attributes: [string, string][]): void {
    for (const [name] of attributes) this.warn(`attribute ${name} on <${element}> is ignored`);
  }

  private warn(message: string): void {
    if (this.warned.has(message)) return;
    this.warned.add(message);
    this.warnings.push(message);
  }
}
