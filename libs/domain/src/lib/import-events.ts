import type { FieldChanges } from './events';
import type { ImportOptions, MatchBy } from './import-options';
import type { RejectedRow, RowProblem } from './user';
import type { RowResultColumns } from './row-result-columns';

/** Events of the `import-<importId>` stream: the life of one import, stage by stage. */

export interface BlobRef {
  sha256: string;
  size: number;
}

export type ImportSourceKind = 'upload' | 'cli' | 'ftp';

export interface ImportRequested {
  importId: string;
  fileName: string;
  file: BlobRef;
  format: 'csv' | 'xml';
  options: ImportOptions;
  source: { kind: ImportSourceKind; sourceId?: string };
  requestedBy: string;
  requestedAt: string;
}

/** Rows rejected by validation or by planning, in bounded chunks. */
export interface ImportRowsRejected {
  importId: string;
  rows: RejectedRow[];
}

export interface ImportTransformed {
  importId: string;
  /**
   * NDJSON of UserRecord: the valid rows, in file order. (Imports transformed while a keys blob was
   * tried, 4 to 6 December, also carry `keys`: nothing reads it.)
   */
  records: BlobRef;
  encoding: string;
  delimiter?: string;
  matchBy: MatchBy;
  totalRows: number;
  validRows: number;
  rejectedRows: number;
  warnings: string[];
}

export type RowOutcome = 'created' | 'updated' | 'skipped' | 'disabled' | 'reactivated' | 'rejected';
export const ROW_OUTCOMES: readonly RowOutcome[] = ['created', 'updated', 'skipped', 'disabled', 'reactivated', 'rejected'];

/** Where one row's line lies in its plan's blob (see ImportPlanned.plan), in bytes. */
export interface PlanLineRef {
  offset: number;
  length: number;
}

/** What the plan does with one row (or, for disables of missing users, one user). */
export interface RowResult {
  /** The file's row; absent for users acted on because they are missing from the file. */
  row?: number;
  key?: string;
  email?: string;
  userId?: string;
  outcome: RowOutcome;
  reasons: string[];
  warnings: string[];
  /** Per field, before and after. Not set for a created user: its plan line holds every field. */
  changes?: FieldChanges;
  /**
   * A created user's line in the plan, whose UserCreated holds every field the user gets. Its
   * result does not repeat them: at a million created rows they were most of the log's bytes.
   */
  planLine?: PlanLineRef;
}

/**
 * The plan's row results, in bounded chunks, appended before any user event. Read them with
 * `plannedRowResults`: a chunk holds them as columns, or (written by an earlier version) one
 * object per row.
 */
export interface ImportRowsPlanned {
  importId: string;
  /** The plan these rows belong to; a re-plan's rows replace the earlier plan's. */
  planNumber?: number;
  columns?: RowResultColumns;
  rows?: RowResult[];
}

export type ImportCounts = Record<RowOutcome, number>;
export const emptyCounts = (): ImportCounts => ({
  created: 0,
  updated: 0,
  skipped: 0,
  disabled: 0,
  reactivated: 0,
  rejected: 0,
});

/**
 * Planning begins: its row results follow (ImportRowsPlanned), then ImportPlanned. See
 * planNumberFor for planning that a crash stopped.
 */
export interface ImportPlanningStarted {
  importId: string;
  planNumber: number;
  /** The directory's position it is decided against (ImportPlanned.basedOnPosition). */
  basedOnPosition: number;
}

/**
 * The plan's user events begin to be appended. From then on the plan stands: made again, it would
 * find its own changes done and report those rows as unchanged. An apply a crash stopped goes on,
 * leaving out the rows whose users changed meanwhile (ImportCompleted.notApplied).
 */
export interface ImportApplyStarted {
  importId: string;
  planNumber: number;
}

export interface ImportPlanned {
  importId: string;
  /** 1 for the first plan; a re-plan (the directory changed before approval) counts up. */
  planNumber: number;
  /** Log position the plan was decided at: a later user event means the directory changed. */
  basedOnPosition: number;
  /** Active users of the directory at planning, for the guards. */
  activeUsers: number;
  /** Every user event of the plan, with ids and expected revisions, so a resumed apply is exact. */
  plan: BlobRef;
  counts: ImportCounts;
  eventCount: number;
  /**
   * Users the file names: its rows with a valid key, each key counted once (FileSize.namedUsers).
   * Absent in plans recorded before it was counted.
   */
  namedUsers?: number;
}

/** The plan tripped a guard: nothing is applied until an administrator approves it. */
export interface ImportAwaitingApproval {
  importId: string;
  planNumber: number;
  reasons: string[];
}

export interface ImportApproved {
  importId: string;
  by: string;
  at: string;
}

/** An administrator refused the plan: the import ends with nothing applied. */
export interface ImportRejected {
  importId: string;
  by: string;
  at: string;
  reason?: string;
}

/** Recorded on the reverted import's stream first, so an import is reverted at most once. */
export interface ImportReverted {
  importId: string;
  revertId: string;
  by: string;
  at: string;
}

/** Opens a revert's own stream (`import-<revertId>`): its report is read like an import's. */
export interface RevertRequested {
  importId: string;
  revertOf: string;
  requestedBy: string;
  requestedAt: string;
}

export interface ImportCompleted {
  importId: string;
  /** What the import did: the plan's counts, with the rows not applied counted as rejected. */
  counts: ImportCounts;
  dryRun: boolean;
  completedAt: string;
  /** Rows of the plan that were not applied (see NotAppliedRow); absent when there were none. */
  notApplied?: NotAppliedRow[];
}

/**
 * A row of the plan that was not applied: while the import was applied, another writer (an
 * administrator deleting the user, a revert, an import in another process) changed the user the
 * row acts on, so the revision the plan expected was gone. The rest of the plan is applied; the
 * row is reported as rejected with the reason, and importing the file again decides it against
 * the user as it is now.
 */
export interface NotAppliedRow {
  /** The file's row; absent for a user acted on because it is missing from the file. */
  row?: number;
  userId: string;
  /** What the plan would have done. */
  planned: RowOutcome;
  reason: string;
}

/** The counts of a plan once its rows not applied are counted as rejected. */
export function countsWithoutNotApplied(counts: ImportCounts, notApplied: readonly NotAppliedRow[]): ImportCounts {
  const after = { ...counts };
  for (const { planned } of notApplied) {
    after[planned]--;
    after.rejected++;
  }
  return after;
}

export type ImportStage = 'extraction' | 'transformation' | 'loading';
export interface ImportFailed {
  importId: string;
  stage: ImportStage;
  reason: string;
  problems: (RowProblem & { row?: number })[];
  failedAt: string;
}

export type ImportEvent =
  | { type: 'ImportRequested'; data: ImportRequested }
  | { type: 'ImportRowsRejected'; data: ImportRowsRejected }
  | { type: 'ImportTransformed'; data: ImportTransformed }
  | { type: 'ImportPlanningStarted'; data: ImportPlanningStarted }
  | { type: 'ImportRowsPlanned'; data: ImportRowsPlanned }
  | { type: 'ImportPlanned'; data: ImportPlanned }
  | { type: 'ImportApplyStarted'; data: ImportApplyStarted }
  | { type: 'ImportAwaitingApproval'; data: ImportAwaitingApproval }
  | { type: 'ImportApproved'; data: ImportApproved }
  | { type: 'ImportRejected'; data: ImportRejected }
  | { type: 'ImportReverted'; data: ImportReverted }
  | { type: 'RevertRequested'; data: RevertRequested }
  | { type: 'ImportCompleted'; data: ImportCompleted }
  | { type: 'ImportFailed'; data: ImportFailed };
export type ImportEventType = ImportEvent['type'];

/** Row-by-row detail (rejections, plan results): the bulk of a large import's stream, and no part of its state. */
export type ImportRowEventType = 'ImportRowsRejected' | 'ImportRowsPlanned';

/** Every other type of an import's stream: what `evolveImport` folds. A new event type must be listed here to compile. */
const STATE_EVENT_TYPES: Record<Exclude<ImportEventType, ImportRowEventType>, true> = {
  ImportRequested: true,
  ImportTransformed: true,
  ImportPlanningStarted: true,
  ImportPlanned: true,
  ImportApplyStarted: true,
  ImportAwaitingApproval: true,
  ImportApproved: true,
  ImportRejected: true,
  ImportReverted: true,
  RevertRequested: true,
  ImportCompleted: true,
  ImportFailed: true,
};
export const IMPORT_STATE_EVENT_TYPES: readonly ImportEventType[] = Object.keys(STATE_EVENT_TYPES) as ImportEventType[];

export type ImportStatus = 'requested' | 'transformed' | 'planned' | 'awaiting-approval' | 'approved' | 'completed' | 'failed' | 'rejected';

/** What any stage needs to know of an import, folded from its stream. */
export interface ImportState {
  importId: string;
  status: ImportStatus;
  requested?: ImportRequested;
  transformed?: ImportTransformed;
  /** The last plan begun (absent in logs from before ImportPlanningStarted). */
  planning?: ImportPlanningStarted;
  planned?: ImportPlanned;
  /** The number of the plan whose user events began to be appended (ImportApplyStarted). */
  applying?: number;
  awaiting?: ImportAwaitingApproval;
  approved?: ImportApproved;
  rejected?: ImportRejected;
  completed?: ImportCompleted;
  failed?: ImportFailed;
  reverted?: ImportReverted;
}

export function evolveImport(state: ImportState | undefined, event: ImportEvent): ImportState {
  const current: ImportState = state ?? { importId: event.data.importId, status: 'requested' };
  switch (event.type) {
    case 'ImportRequested':
      return { ...current, status: 'requested', requested: event.data };
    case 'ImportTransformed':
      return { ...current, status: 'transformed', transformed: event.data };
    case 'ImportPlanningStarted':
      return { ...current, planning: event.data };
    case 'ImportApplyStarted':
      return { ...current, applying: event.data.planNumber };
    case 'ImportPlanned':
      // A re-plan keeps an earlier approval: the loading stage checks it still covers the new plan.
      return { ...current, status: current.approved ? 'approved' : 'planned', planned: event.data };
    case 'ImportAwaitingApproval':
      return { ...current, status: 'awaiting-approval', awaiting: event.data, approved: undefined };
    case 'ImportApproved':
      return { ...current, status: 'approved', approved: event.data };
    case 'ImportRejected':
      return { ...current, status: 'rejected', rejected: event.data };
    case 'ImportCompleted':
      return { ...current, status: 'completed', completed: event.data };
    case 'ImportFailed':
      return { ...current, status: 'failed', failed: event.data };
    case 'ImportReverted':
      return { ...current, reverted: event.data };
    case 'RevertRequested':
      return { ...current, status: 'requested' };
    case 'ImportRowsRejected':
    case 'ImportRowsPlanned':
      return current;
  }
}

/** The number the import's next plan takes: after every plan begun, finished or not. */
export const nextPlanNumber = (state: ImportState): number => Math.max(state.planned?.planNumber ?? 0, state.planning?.planNumber ?? 0) + 1;

/** A plan begun and not finished: a crash stopped it. */
export const unfinishedPlan = (state: ImportState): ImportPlanningStarted | undefined =>
  state.planning && state.planning.planNumber > (state.planned?.planNumber ?? 0) ? state.planning : undefined;

/**
 * The number of the plan to make against the directory at `basedOnPosition`. Planning that a crash
 * stopped goes on under its number when the directory is where it was then: its row results so
 * far are the ones it would record again (and two processes that both took the import over write
 * the same events). Against a directory that changed, the next number: the report drops the row
 * results of the earlier one.
 */
export function planNumberFor(state: ImportState, basedOnPosition: number): number {
  const unfinished = unfinishedPlan(state);
  return unfinished?.basedOnPosition === basedOnPosition ? unfinished.planNumber : nextPlanNumber(state);
}

/** Nothing more will happen to the import. */
export const isFinished = (state: ImportState | undefined): boolean =>
  state?.status === 'completed' || state?.status === 'failed' || state?.status === 'rejected';

/** The pipeline is done with it for now: finished, or waiting for an administrator. */
export const isSettled = (state: ImportState | undefined): boolean => isFinished(state) || state?.status === 'awaiting-approval';
