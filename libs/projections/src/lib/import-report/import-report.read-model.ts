import type { ImportCounts, ImportOptions, ImportStatus, RowOutcome, FieldChanges } from '@dirsync/domain';
import { keysetPages, type ReadModelDb } from '../read-model-db';
import { sourceKey } from './import-report.projection';

export interface ImportSummary {
  id: string;
  status: ImportStatus;
  fileName: string;
  sha256: string;
  size: number;
  format: string;
  options: ImportOptions;
  source: { kind: string; sourceId?: string };
  requestedBy: string;
  requestedAt: string;
  encoding: string | null;
  totalRows: number | null;
  validRows: number | null;
  warnings: string[];
  counts: ImportCounts | null;
  dryRun: boolean;
  failure: { stage: string; reason: string; problems: { row?: number; field?: string; message: string }[] } | null;
  /** Why it awaits approval, or who approved or rejected it and when. */
  decision: { reasons?: string[]; approvedBy?: string; approvedAt?: string; rejectedBy?: string; rejectedAt?: string; reason?: string | null } | null;
  completedAt: string | null;
  /** The revert that undid this import, if any. */
  reverted: { revertId: string; by: string; at: string } | null;
}

export interface ImportRowReport {
  row: number | null;
  key: string | null;
  email: string | null;
  userId: string | null;
  outcome: RowOutcome;
  reasons: string[];
  warnings: string[];
  changes: FieldChanges | null;
}

interface ImportRecord {
  id: string; status: ImportStatus; file_name: string; sha256: string; size: number; format: string; options: string;
  source: string; requested_by: string; requested_at: string; encoding: string | null; total_rows: number | null;
  valid_rows: number | null; warnings: string; counts: string | null; dry_run: number; failure: string | null;
  decision: string | null; reverted: string | null; completed_at: string | null;
}
interface RowRecord {
  row: number | null; key: string | null; email: string | null; user_id: string | null; outcome: RowOutcome;
  reasons: string; warnings: string; changes: string | null;
}

const ROW_ORDER = 'ORDER BY ord, seq';
const PAGE = 1_000;

/** Queries over imports and their per-row results. */
export class ImportReportReadModel {
  constructor(private readonly db: ReadModelDb) {}

  get(importId: string): ImportSummary | undefined {
    const record = this.db.prepare('SELECT * FROM imports WHERE id = ?').get(importId) as ImportRecord | undefined;
    return record ? toSummary(record) : undefined;
  }

  list(offset = 0, limit = 50): { total: number; items: ImportSummary[] } {
    const total = (this.db.prepare('SELECT count(*) AS n FROM imports').get() as { n: number }).n;
    const records = this.db
      .prepare('SELECT * FROM imports ORDER BY requested_at DESC, id LIMIT ? OFFSET ?')
      .all(Math.min(Math.max(1, limit), 1000), Math.max(0, offset)) as ImportRecord[];
    return { total, items: records.map(toSummary) };
  }

  /** The latest import of the same source that completed and applied its plan (not a dry run), other than `exceptId`. */
  lastCompleted(source: { kind: string; sourceId?: string }, exceptId: string): ImportSummary | undefined {
    const record = this.db
      .prepare(`SELECT * FROM imports WHERE source_key = ? AND status = 'completed' AND dry_run = 0 AND id <> ? ORDER BY completed_at DESC LIMIT 1`)
      .get(sourceKey(source), exceptId) as ImportRecord | undefined;
    return record ? toSummary(record) : undefined;
  }

  rows(importId: string, offset = 0, limit = 100): { total: number; items: ImportRowReport[] } {
    const total = (this.db.prepare('SELECT count(*) AS n FROM import_rows WHERE import_id = ?').get(importId) as { n: number }).n;
    const records = this.db
      .prepare(`SELECT * FROM import_rows WHERE import_id = ? ${ROW_ORDER} LIMIT ? OFFSET ?`)
      .all(importId, Math.min(Math.max(1, limit), 10_000), Math.max(0, offset)) as RowRecord[];
    return { total, items: records.map(toRow) };
  }

  /** Rows that change a user (planned or applied), in row order, each with every field's from and to. */
  changes(importId: string, offset = 0, limit = 100): { total: number; items: ImportRowReport[] } {
    const where = 'import_id = ? AND changes IS NOT NULL';
    const total = (this.db.prepare(`SELECT count(*) AS n FROM import_rows WHERE ${where}`).get(importId) as { n: number }).n;
    const records = this.db
      .prepare(`SELECT * FROM import_rows WHERE ${where} ${ROW_ORDER} LIMIT ? OFFSET ?`)
      .all(importId, Math.min(Math.max(1, limit), 10_000), Math.max(0, offset)) as RowRecord[];
    return { total, items: records.map(toRow) };
  }

  /** Every row of one import in row order, streamed (a report can have a million rows). */
  allRows(importId: string): IterableIterator<ImportRowReport> {
    return this.pagedRows(importId, '1 = 1');
  }

  /** Every row that changes a user, streamed. */
  allChanges(importId: string): IterableIterator<ImportRowReport> {
    return this.pagedRows(importId, 'changes IS NOT NULL');
  }

  private *pagedRows(importId: string, where: string): IterableIterator<ImportRowReport> {
    type Paged = RowRecord & { ord: number; seq: number };
    const first = this.db.prepare(`SELECT * FROM import_rows WHERE import_id = ? AND ${where} ${ROW_ORDER} LIMIT ${PAGE}`);
    const next = this.db.prepare(`SELECT * FROM import_rows WHERE import_id = ? AND ${where} AND (ord, seq) > (?, ?) ${ROW_ORDER} LIMIT ${PAGE}`);
    const pages = keysetPages<Paged, [number, number]>(
      () => first.all(importId) as Paged[],
      ([ord, seq]) => next.all(importId, ord, seq) as Paged[],
      (record) => [record.ord, record.seq],
    );
    for (const record of pages) yield toRow(record);
  }
}

function toSummary(r: ImportRecord): ImportSummary {
  return {
    id: r.id,
    status: r.status,
    fileName: r.file_name,
    sha256: r.sha256,
    size: r.size,
    format: r.format,
    options: JSON.parse(r.options),
    source: JSON.parse(r.source),
    requestedBy: r.requested_by,
    requestedAt: r.requested_at,
    encoding: r.encoding,
    totalRows: r.total_rows,
    validRows: r.valid_rows,
    warnings: JSON.parse(r.warnings),
    counts: r.counts ? JSON.parse(r.counts) : null,
    dryRun: r.dry_run === 1,
    failure: r.failure ? JSON.parse(r.failure) : null,
    decision: r.decision ? JSON.parse(r.decision) : null,
    completedAt: r.completed_at,
    reverted: r.reverted ? JSON.parse(r.reverted) : null,
  };
}

function toRow(r: RowRecord): ImportRowReport {
  return {
    row: r.row,
    key: r.key,
    email: r.email,
    userId: r.user_id,
    outcome: r.outcome,
    reasons: JSON.parse(r.reasons),
    warnings: JSON.parse(r.warnings),
    changes: r.changes ? JSON.parse(r.changes) : null,
  };
}
