import type { FieldChanges } from './events';
import type { ImportRowsPlanned, RowOutcome, RowResult } from './import-events';

/**
 * A chunk of row results stored column by column (ImportRowsPlanned.columns): every row of a
 * file has a result, and most are alike (created, or skipped as unchanged, with no reasons,
 * warnings or changes). Written as one object per row, a million results were 170 to 220 MB of
 * JSON, mostly the same property names and empty lists again; as columns they are a third to a
 * half smaller, and quicker to write and to read (README, round 20).
 */
export interface RowResultColumns {
  /** The file's row; null for a user acted on because it is missing from the file. */
  row: (number | null)[];
  key: (string | null)[];
  email: (string | null)[];
  userId: (string | null)[];
  outcome: RowOutcome[];
  /** Present when a row of the chunk has a plan line (RowResult.planLine); null for the others. */
  planOffset?: (number | null)[];
  planLength?: (number | null)[];
  /** Only the rows that have any, by their index in the chunk. */
  reasons?: Record<number, string[]>;
  warnings?: Record<number, string[]>;
  changes?: Record<number, FieldChanges>;
}

/** The columns of `results`, in their order. */
export function toRowResultColumns(results: readonly RowResult[]): RowResultColumns {
  const columns: RowResultColumns = {
    row: results.map((result) => result.row ?? null),
    key: results.map((result) => result.key ?? null),
    email: results.map((result) => result.email ?? null),
    userId: results.map((result) => result.userId ?? null),
    outcome: results.map((result) => result.outcome),
  };
  if (results.some((result) => result.planLine)) {
    columns.planOffset = results.map((result) => result.planLine?.offset ?? null);
    columns.planLength = results.map((result) => result.planLine?.length ?? null);
  }
  const reasons = sparse(results, (result) => (result.reasons.length > 0 ? result.reasons : undefined));
  const warnings = sparse(results, (result) => (result.warnings.length > 0 ? result.warnings : undefined));
  const changes = sparse(results, (result) => result.changes);
  if (reasons) columns.reasons = reasons;
  if (warnings) columns.warnings = warnings;
  if (changes) columns.changes = changes;
  return columns;
}

/** The results an ImportRowsPlanned event carries, whichever way it stores them. */
export function plannedRowResults(data: ImportRowsPlanned): RowResult[] {
  if (data.columns) return fromRowResultColumns(data.columns, data.importId);
  return data.rows ?? [];
}

function fromRowResultColumns(columns: RowResultColumns, importId: string): RowResult[] {
  const count = columns.outcome.length;
  const lists = [columns.row, columns.key, columns.email, columns.userId, columns.planOffset, columns.planLength];
  if (lists.some((list) => list !== undefined && list.length !== count)) {
    throw new Error(`import ${importId}: a chunk of row results has columns of different lengths`);
  }
  const results: RowResult[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const result: RowResult = { outcome: columns.outcome[i], reasons: columns.reasons?.[i] ?? [], warnings: columns.warnings?.[i] ?? [] };
    const row = columns.row[i];
    const key = columns.key[i];
    const email = columns.email[i];
    const userId = columns.userId[i];
    const offset = columns.planOffset?.[i];
    const length = columns.planLength?.[i];
    const changes = columns.changes?.[i];
    if (row !== null) result.row = row;
    if (key !== null) result.key = key;
    if (email !== null) result.email = email;
    if (userId !== null) result.userId = userId;
    if (changes) result.changes = changes;
    if (offset != null && length != null) result.planLine = { offset, length };
    results[i] = result;
  }
  return results;
}

function sparse<T>(results: readonly RowResult[], valueOf: (result: RowResult) => T | undefined): Record<number, T> | undefined {
  let found: Record<number, T> | undefined;
  results.forEach((result, index) => {
    const value = valueOf(result);
    if (value !== undefined) (found ??= {})[index] = value;
  });
  return found;
}
