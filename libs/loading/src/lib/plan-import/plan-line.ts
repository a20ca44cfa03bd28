import type { RowResult } from '@dirsync/domain';
import type { AppendRequest } from '@dirsync/event-store';

/**
 * One line of a plan blob: what the import does for one row, and the exact appends that do it
 * (event ids and expected revisions fixed at planning time, so a resumed apply writes the same).
 */
export interface PlanLine {
  result: RowResult;
  appends: AppendRequest[];
}
