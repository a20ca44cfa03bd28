import type { RowResult } from '@dirsync/domain';
import type { AppendRequest } from '@dirsync/event-store';
import type { CreatedRow } from './plan-lines-thread';

/**
 * What the import does for one row: its result, and the exact appends that do it (event ids and
 * expected revisions fixed at planning time, so a resumed apply writes the same).
 */
export interface PlanLine {
  result: RowResult;
  appends: AppendRequest[];
  /** A created user whose line the plan-lines thread builds (appends is empty then). */
  created?: CreatedRow;
}

/**
 * One line of a plan blob: the appends of one row that changes something. Row results are kept
 * in a blob of their own, so applying a plan reads only what it writes.
 */
export interface PlanAppends {
  appends: AppendRequest[];
}
