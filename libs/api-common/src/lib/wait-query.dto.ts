import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';

/**
 * For @Transform: a query parameter or multipart field "true" or "false" becomes a boolean; anything
 * else (a repeated parameter's array too) stays as sent, for IsBoolean to refuse.
 */
export const toBoolean = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

/**
 * `?wait=true|false` of a request that starts an import (absent: false). Any other value answers
 * 400 naming `wait`, rather than silently not waiting. Use it as the endpoint's `@Query()` class.
 */
export class WaitQuery {
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: '$property must be true or false, given once' })
  wait = false;
}
