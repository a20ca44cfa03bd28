import { ValidateBy, type ValidationOptions } from 'class-validator';

/** What a column mapping must look like, for messages. */
export const HEADER_MAPPING_SHAPE = 'a JSON object of "header in the file": "field" pairs, each header a non-empty text and each field a text (e.g. {"Mail": "email"})';

/**
 * A column mapping as the import options take it: every key a non-empty header, every value a
 * field name (text). Checked where it enters (API, CLI), so that a number never reaches the parser.
 */
export function isHeaderMapping(value: unknown): value is Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return Object.entries(value).every(([header, field]) => header.length > 0 && typeof field === 'string');
}

/** The DTO rule for a `mapping` property: refused with a message naming the property. */
export const IsHeaderMapping = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy({ name: 'isHeaderMapping', validator: { validate: isHeaderMapping, defaultMessage: (args) => `${args?.property ?? 'mapping'} must be ${HEADER_MAPPING_SHAPE}` } }, options);
