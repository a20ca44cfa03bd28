import type { RejectedRow, RowProblem } from '@dirsync/domain';
import { validateSync, type ValidatorOptions } from 'class-validator';
import type { RowValues } from '../mapping/row-values';
import { passesEveryRule, type UserRowDto } from './user-row.dto';

/** Shared by every row: building options per call is waste at a million rows. */
const OPTIONS: ValidatorOptions = {
  validationError: { target: false, value: false },
  forbidUnknownValues: false,
};

/** Column-level names that are reported under their canonical field. */
const FIELD_OF: Record<string, string> = { active: 'status' };

/** All problems of one row, each under its canonical field name; empty when the row is valid. */
export function validateRow(dto: UserRowDto): RowProblem[] {
  // Most rows are valid: class-validator runs only for the messages of a row that is not.
  if (passesEveryRule(dto)) return [];
  const problems: RowProblem[] = [];
  for (const error of validateSync(dto, OPTIONS)) {
    const field = error.property === 'key' ? dto.matchBy : (FIELD_OF[error.property] ?? error.property);
    for (const message of Object.values(error.constraints ?? {})) problems.push({ field, message });
  }
  return problems;
}

/**
 * A rejected row as reported: its key and e-mail cells as written, and whether the key cell itself
 * failed validation (it then names nobody for certain, like a row whose key could not be read).
 */
export function rejectedRow(row: number, values: RowValues, reasons: RowProblem[]): RejectedRow {
  const rejected: RejectedRow = { row, key: values.key, email: values.email, reasons };
  if (values.key !== undefined && reasons.some((problem) => problem.field === values.matchBy)) rejected.keyInvalid = true;
  return rejected;
}
