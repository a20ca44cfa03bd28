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

  @IsNotEmpty({
    message: (args: ValidationArguments) =>
      `${(args.object as UserRowDto).matchBy} is blank; it is needed to match the user`,
  })
  key?: string;

  @IsOptional() @maxLength() identifier?: string;
  @IsOptional() @maxLength() upn?: string;
  @IsOptional() @IsEmail({}, notEmail) @maxLength() email?: string;
  @IsOptional() @maxLength() username?: string;
  @IsOptional() @maxLength() personId?: string;
  @IsOptional() @maxLength() firstName?: string;
  @IsOptional() @maxLength() lastName?: string;
  @IsOptional() @maxLength() title?: string;
  @IsOptional() @maxLength() department?: string;
  @IsOptional() @maxLength() alias?: string;
  @IsOptional()
  @Matches(LANGUAGE_TAG, withMessage((field, value) => `${field} ${value} is not a language tag such as en, es or pt-BR`))
  language?: string;
  @IsOptional() @IsEmail({}, notEmail) @maxLength() managerEmail?: string;
  @IsOptional() @maxLength() picture?: string;
  @IsOptional() @maxLength() minglePicture?: string;
  @IsOptional() @IsStatus() status?: string;
  @IsOptional() @IsActiveFlag() active?: string;
  @IsOptional()
  @MaxLength(MAX_FIELD_LENGTH, {
    each: true,
    message: (args: ValidationArguments) =>
      `securityRoles ${quote((args.value as string[]).find((r) => r.length > MAX_FIELD_LENGTH))} is longer than ${MAX_FIELD_LENGTH} characters`,
  })
  securityRoles?: string[];
  @IsOptional() @PropertyValuesMaxLength(MAX_FIELD_LENGTH) genericProperties?: Record<string, string>;
}

type Rule = (value: unknown) => boolean;

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
export const USER_ROW_RULES: Record<string, Rule> = {
  key: isNotEmpty,
  identifier: optional(short),
  upn: optional(short),
  email: optional(email, short),
  username: optional(short),
  personId: optional(short),
  firstName: optional(short),
  lastName: optional(short),
  title: optional(short),
  department: optional(short),
  alias: optional(short),
  language: optional((value) => matches(value as string, LANGUAGE_TAG)), // checks typeof itself
  managerEmail: optional(email, short),
  picture: optional(short),
  minglePicture: optional(short),
  status: optional(isStatus),
  active: optional(isActiveFlag),
  // `each: true`: every item of an array is checked, anything else as a whole.
  securityRoles: optional((value) => (Array.isArray(value) ? value.every(short) : short(value))),
  genericProperties: optional((value) => tooLongEntry(value, MAX_FIELD_LENGTH) === undefined),
};

/** Whether class-validator would find no problem in this row. */
export function passesEveryRule(dto: UserRowDto): boolean {
  for (const property in USER_ROW_RULES) {
    if (!USER_ROW_RULES[property]((dto as unknown as Record<string, unknown>)[property])) return false;
  }
  return true;
}
