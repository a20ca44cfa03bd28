import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** The largest offset accepted: beyond it a number is no longer an exact integer (and SQLite refuses it). */
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

/**
 * A query parameter written as a whole number becomes that number; anything else ("abc", "1.5", a
 * repeated parameter's array) stays as sent, so that IsInt refuses it with the parameter's name.
 */
const toInteger = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);

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
    @IsInt()
    @Min(0)
    @Max(MAX_OFFSET)
    offset = 0;

    @IsOptional()
    @Transform(toInteger)
    @IsInt()
    @Min(1)
    @Max(maxLimit)
    limit = defaultLimit;
  }
  return Page;
}

/** GET /api/imports. */
export class ImportsPageQuery extends pageQuery(50, 1_000) {}

/** GET /api/imports/:id/results and /changes: the read model serves up to 10,000 rows a page. */
export class RowsPageQuery extends pageQuery(100, 10_000) {}
