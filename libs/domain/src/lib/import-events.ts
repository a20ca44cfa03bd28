import type { FieldChanges } from './events';
import type { ImportOptions, MatchBy } from './import-options';
import type { RejectedRow, RowProblem } from './user';

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
  changes?: FieldChanges;
}

/** The plan's row results, in bounded chunks, appended before any user event. */
export interface ImportRowsPlanned {
  importId: string;
  rows: RowResult[];
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

export interface ImportPlanned {
  importId: string;
  /** Every user event of the plan, with ids and expected revisions, so a resumed apply is exact. */
  plan: BlobRef;
  counts: ImportCounts;
  eventCount: number;
}

export interface ImportCompleted {
  importId: string;
  counts: ImportCounts;
  dryRun: boolean;
  completedAt: string;
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
  | { type: 'ImportRowsPlanned'; data: ImportRowsPlanned }
  | { type: 'ImportPlanned'; data: ImportPlanned }
  | { type: 'ImportCompleted'; data: ImportCompleted }
  | { type: 'ImportFailed'; data: ImportFailed };
export type ImportEventType = ImportEvent['type'];

export type ImportStatus = 'requested' | 'transformed' | 'planned' | 'completed' | 'failed';

/** What any stage needs to know of an import, folded from its stream. */
export interface ImportState {
  importId: string;
  status: ImportStatus;
  requested?: ImportRequested;
  transformed?: ImportTransformed;
  planned?: ImportPlanned;
  completed?: ImportCompleted;
  failed?: ImportFailed;
}

export function evolveImport(state: ImportState | undefined, event: ImportEvent): ImportState {
  const current: ImportState = state ?? { importId: event.data.importId, status: 'requested' };
  switch (event.type) {
    case 'ImportRequested':
      return { ...current, status: 'requested', requested: event.data };
    case 'ImportTransformed':
      return { ...current, status: 'transformed', transformed: event.data };
    case 'ImportPlanned':
      return { ...current, status: 'planned', planned: event.data };
    case 'ImportCompleted':
      return { ...current, status: 'completed', completed: event.data };
    case 'ImportFailed':
      return { ...current, status: 'failed', failed: event.data };
    case 'ImportRowsRejected':
    case 'ImportRowsPlanned':
      return current;
  }
}

export const isFinished = (state: ImportState | undefined): boolean =>
  state?.status === 'completed' || state?.status === 'failed';
