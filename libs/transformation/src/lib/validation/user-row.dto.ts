import { USER_STATUSES, type MatchBy } from '@dirsync/domain';
import {
  IsEmail,
  isEmail,
  IsNotEmpty,
  isNotEmpty,
  IsOptional,
  Matches,
  matches,
  MaxLength,
  maxLength as fitsLength,
  ValidateBy,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { ACTIVE_VALUES } from '../mapping/aliases';
import { activeStatus, type RowValues } from '../mapping/row-values';
import { rememberedByDomain } from './email-verdicts';

export const MAX_FIELD_LENGTH = 256;

/** language, optional Script, optional REGION (2 letters or 3 digits): en, es, pt-BR, zh-Hant-TW, es-419. */
export const LANGUAGE_TAG = /^[a-z]{2,3}(?:[-_][a-z]{4})?(?:[-_](?:[a-z]{2}|\d{3}))?$/i;

/** The value in a message: quoted, and cut short so a huge cell does not flood the report. */
export function quote(value: unknown): string {
  const text = String(value);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

const withMessage = (text: (field: string, value: string) => string): ValidationOptions => ({
  message: (args: ValidationArguments) => text(args.property, quote(args.value)),
});

/**
 * Characters a key-like value (identifier, UPN, e-mail, username, manager e-mail) must not hold:
 * control and invisible format characters (Unicode Cc, Cf: U+200B, U+FEFF, U+00AD, bidi marks…),
 * which make a look-alike of another user's key, and U+FFFD, which bytes that were not valid in
 * the file's encoding decoded to.
 */
const NOT_IN_KEYS = /[\p{Cc}\p{Cf}\uFFFD]/u;
/** Any other text: C0 and C1 control characters but tab and line breaks, and U+FFFD. */
const NOT_IN_TEXT = /[^\P{Cc}\t\n\r]|\uFFFD/u;

type Rule = (value: unknown) => boolean;

const keyText = (value: unknown): boolean => typeof value !== 'string' || !NOT_IN_KEYS.test(value);
const plainText = (value: unknown): boolean => typeof value !== 'string' || !NOT_IN_TEXT.test(value);

/** Why a value failed keyText or plainText: bytes the encoding could not read, or which character. */
function characterProblem(field: string, value: string, forbidden: RegExp): string {
  const found = forbidden.exec(value)?.[0] ?? '';
  if (found === '\uFFFD') {
    return `${field} ${quote(value)} holds bytes that are not valid text in the file's encoding (shown as \uFFFD); save the file as UTF-8`;
  }
  const code = `U+${(found.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return `${field} ${quote(value)} holds the invisible or control character ${code}; remove it`;
}

/** A decorator for keyText or plainText; with `each`, the message quotes the first item that fails. */
function CharactersOf(name: string, check: Rule, forbidden: RegExp): (options?: ValidationOptions) => PropertyDecorator {
  return (options) =>
    ValidateBy(
      {
        name,
        validator: {
          validate: check,
          defaultMessage: (args?: ValidationArguments) => {
            const value: unknown = args?.value;
            const shown = Array.isArray(value) ? value.find((item) => !check(item)) : value;
            return characterProblem(args?.property ?? '', String(shown), forbidden);
          },
        },
      },
      options,
    );
}
const KeyText = CharactersOf('keyText', keyText, NOT_IN_KEYS);
const PlainText = CharactersOf('plainText', plainText, NOT_IN_TEXT);

const tooLong = withMessage((field, value) => `${field} ${value} is longer than ${MAX_FIELD_LENGTH} characters`);
const notEmail = withMessage((field, value) => `${field} ${value} is not a valid e-mail address`);
const maxLength = () => MaxLength(MAX_FIELD_LENGTH, tooLong);

const isStatus = (value: unknown): boolean =>
  typeof value === 'string' && USER_STATUSES.some((s) => s.toLowerCase() === value.toLowerCase());
const isActiveFlag = (value: unknown): boolean => typeof value === 'string' && activeStatus(value) !== undefined;
const tooLongEntry = (value: unknown, max: number) =>
  Object.entries((value ?? {}) as Record<string, string>).find(([, v]) => v.length > max);

function IsStatus(): PropertyDecorator {
  return ValidateBy({
    name: 'isStatus',
    validator: {
      validate: isStatus,
      defaultMessage: (args?: ValidationArguments) =>
        `status ${quote(args?.value)} is not one of ${USER_STATUSES.join(', ')}`,
    },
  });
}

function IsActiveFlag(): PropertyDecorator {
  return ValidateBy({
    name: 'isActiveFlag',
    validator: {
      validate: isActiveFlag,
      defaultMessage: (args?: ValidationArguments) =>
        `active ${quote(args?.value)} is not one of ${ACTIVE_VALUES.map(([word]) => word).join(', ')}`,
    },
  });
}

const badPropertyEntry = (value: unknown) => Object.entries((value ?? {}) as Record<string, string>).find(([, v]) => !plainText(v));

/** Generic property values hold plain text; the message names the property. */
function PropertyValuesPlainText(): PropertyDecorator {
  return ValidateBy({
    name: 'propertyValuesPlainText',
    validator: {
      validate: (value: unknown) => badPropertyEntry(value) === undefined,
      defaultMessage: (args?: ValidationArguments) => {
        const [name, value] = badPropertyEntry(args?.value) ?? ['', ''];
        return characterProblem(`genericProperties.${name}`, value, NOT_IN_TEXT);
      },
    },
  });
}

/** Generic property values share the per-field length limit; the message names the property. */
function PropertyValuesMaxLength(max: number): PropertyDecorator {
  return ValidateBy({
    name: 'propertyValuesMaxLength',
    validator: {
      validate: (value: unknown) => tooLongEntry(value, max) === undefined,
      defaultMessage: (args?: ValidationArguments) => {
        const [name, value] = tooLongEntry(args?.value, max) ?? ['', ''];
        return `genericProperties.${name} ${quote(value)} is longer than ${max} characters`;
      },
    },
  });
}

/**
 * The class-validator rules for one row. Every field is optional (a blank cell keeps the stored
 * value) except the match key, which is checked on `key` so a blank key gives one clear problem
 * instead of a cascade of format errors.
 */
export class UserRowDto implements RowValues {
  matchBy: MatchBy = 'identifier';
  printableAscii?: boolean;

  @IsNotEmpty({
    message: (args: ValidationArguments) =>
      `${(args.object as UserRowDto).matchBy} is blank; it is needed to match the user`,
  })
  key?: string;

  @IsOptional() @maxLength() @KeyText() identifier?: string;
  @IsOptional() @maxLength() @KeyText() upn?: string;
  @IsOptional() @IsEmail({}, notEmail) @maxLength() @KeyText() email?: string;
  @IsOptional() @maxLength() @KeyText() username?: string;
  @IsOptional() @maxLength() @PlainText() personId?: string;
  @IsOptional() @maxLength() @PlainText() firstName?: string;
  @IsOptional() @maxLength() @PlainText() lastName?: string;
  @IsOptional() @maxLength() @PlainText() title?: string;
  @IsOptional() @maxLength() @PlainText() department?: string;
  @IsOptional() @maxLength() @PlainText() alias?: string;
  @IsOptional()
  @Matches(LANGUAGE_TAG, withMessage((field, value) => `${field} ${value} is not a language tag such as en, es or pt-BR`))
  language?: string;
  @IsOptional() @IsEmail({}, notEmail) @maxLength() @KeyText() managerEmail?: string;
  @IsOptional() @maxLength() @PlainText() picture?: string;
  @IsOptional() @maxLength() @PlainText() minglePicture?: string;
  @IsOptional() @IsStatus() status?: string;
  @IsOptional() @IsActiveFlag() active?: string;
  @IsOptional()
  @MaxLength(MAX_FIELD_LENGTH, {
    each: true,
    message: (args: ValidationArguments) =>
      `securityRoles ${quote((args.value as string[]).find((r) => r.length > MAX_FIELD_LENGTH))} is longer than ${MAX_FIELD_LENGTH} characters`,
  })
  @PlainText({ each: true })
  securityRoles?: string[];
  @IsOptional() @PropertyValuesMaxLength(MAX_FIELD_LENGTH) @PropertyValuesPlainText() genericProperties?: Record<string, string>;
}

/** @IsOptional: a missing value (undefined or null, not "") skips the property's other rules. */
const optional =
  (...rules: Rule[]): Rule =>
  (value) =>
    value === undefined || value === null || rules.every((rule) => rule(value));
// maxLength counts a surrogate pair (or a character and its variation selector) as one, never a
// string as longer than its UTF-16 length: a string that short needs no count.
const short: Rule = (value) => (typeof value === 'string' && value.length <= MAX_FIELD_LENGTH) || fitsLength(value, MAX_FIELD_LENGTH);
const email: Rule = rememberedByDomain((value) => isEmail(value, {}));

/**
 * The decorators of UserRowDto as plain functions: the same checks class-validator runs for each
 * (its own isEmail, maxLength, matches, isNotEmpty and the custom validators above), without its
 * per-row machinery, which costs more than parsing the row. One entry per decorated property; the
 * spec holds this table to the decorators and to validateSync's verdict.
 */
export const USER_ROW_RULES: Record<string, Rule> = rowRules(true);
/** The same without the character rules: for a row the mapping found to be printable ASCII throughout. */
const PRINTABLE_ASCII_ROW_RULES = rowRules(false);

function rowRules(characters: boolean): Record<string, Rule> {
  const key = characters ? [keyText] : [];
  const text = characters ? [plainText] : [];
  const role: Rule = (value) => short(value) && (!characters || plainText(value));
  return {
    key: isNotEmpty,
    identifier: optional(short, ...key),
    upn: optional(short, ...key),
    email: optional(email, short, ...key),
    username: optional(short, ...key),
    personId: optional(short, ...text),
    firstName: optional(short, ...text),
    lastName: optional(short, ...text),
    title: optional(short, ...text),
    department: optional(short, ...text),
    alias: optional(short, ...text),
    language: optional((value) => matches(value as string, LANGUAGE_TAG)), // checks typeof itself
    managerEmail: optional(email, short, ...key),
    picture: optional(short, ...text),
    minglePicture: optional(short, ...text),
    status: optional(isStatus),
    active: optional(isActiveFlag),
    // `each: true`: every item of an array is checked, anything else as a whole.
    securityRoles: optional((value) => (Array.isArray(value) ? value.every(role) : role(value))),
    genericProperties: optional(
      (value) => tooLongEntry(value, MAX_FIELD_LENGTH) === undefined && (!characters || badPropertyEntry(value) === undefined),
    ),
  };
}

/** Whether class-validator would find no problem in this row. */
export function passesEveryRule(dto: UserRowDto): boolean {
  const rules = dto.printableAscii ? PRINTABLE_ASCII_ROW_RULES : USER_ROW_RULES;
  for (const property in rules) {
    if (!rules[property]((dto as unknown as Record<string, unknown>)[property])) return false;
  }
  return true;
}
