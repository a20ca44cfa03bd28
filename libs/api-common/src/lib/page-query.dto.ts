import { Transform } from 'class-transformer';
import { IsOptional, ValidateBy } from 'class-validator';

/** The largest offset accepted: beyond it a number is no longer an exact integer (and SQLite refuses it). */
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

/**
 * A query parameter written as a whole number becomes that number; anything else ("abc", "1.5", a
 * repeated parameter's array) stays as sent, so that WholeNumber refuses it with the parameter's name.
 */
const toInteger = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);

/** One message for any wrong value (text, a fraction, out of range, a repeated parameter's array). */
const WholeNumber = (min: number, max: number) =>
  ValidateBy({
    name: 'wholeNumber',
    constraints: [min, max],
    validator: {
      validate: (value: unknown) => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max,
      defaultMessage: () => `$property must be a whole number from ${min} to ${max}, given once`,
    },
  });

/** The type of a page's query: `offset` and `limit`, validated. */
export interface PageQuery {
  offset: number;
  limit: number;
}

/**
 * A query class for a paged endpoint: `offset` (0 up to MAX_OFFSET, default 0) and `limit` (1 up to
 * `maxLimit`, default `defaultLimit`), whole numbers, once each; anything else answers 400 naming
 * the parameter. Extend it (a class per endpoint) so that the global ValidationPipe checks it.
 */
export function pageQuery(defaultLimit: number, maxLimit: number): new () => PageQuery {
  class Page implements PageQuery {
    @IsOptional()
    @Transform(toInteger)
    @WholeNumber(0, MAX_OFFSET)
    offset = 0;

    @IsOptional()
    @Transform(toInteger)
    @WholeNumber(1, maxLimit)
    limit = defaultLimit;
  }
  return Page;
}
