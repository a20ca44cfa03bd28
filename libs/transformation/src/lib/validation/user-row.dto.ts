import { USER_STATUSES, type MatchBy } from '@dirsync/domain';
import {
  IsEmail,
  IsNotEmpty,
  IsOptional,
  Matches,
  MaxLength,
  ValidateBy,
  type ValidationArguments,
  type ValidationOptions,
} from 'class-validator';
import { ACTIVE_VALUES } from '../mapping/aliases';
import { activeStatus, type RowValues } from '../mapping/row-values';

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

function IsStatus(): PropertyDecorator {
  return ValidateBy({
    name: 'isStatus',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && USER_STATUSES.some((s) => s.toLowerCase() === value.toLowerCase()),
      defaultMessage: (args?: ValidationArguments) =>
        `status ${quote(args?.value)} is not one of ${USER_STATUSES.join(', ')}`,
    },
  });
}

function IsActiveFlag(): PropertyDecorator {
  return ValidateBy({
    name: 'isActiveFlag',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && activeStatus(value) !== undefined,
      defaultMessage: (args?: ValidationArguments) =>
        `active ${quote(args?.value)} is not one of ${ACTIVE_VALUES.map(([word]) => word).join(', ')}`,
    },
  });
}

/** Generic property values share the per-field length limit; the message names the property. */
function PropertyValuesMaxLength(max: number): PropertyDecorator {
  const tooLongEntry = (value: unknown) =>
    Object.entries((value ?? {}) as Record<string, string>).find(([, v]) => v.length > max);
  return ValidateBy({
    name: 'propertyValuesMaxLength',
    validator: {
      validate: (value: unknown) => tooLongEntry(value) === undefined,
      defaultMessage: (args?: ValidationArguments) => {
        const [name, value] = tooLongEntry(args?.value) ?? ['', ''];
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
