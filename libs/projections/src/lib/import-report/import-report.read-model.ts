import type { ImportCounts, ImportOptions, ImportStatus, RowOutcome, FieldChanges } from '@dirsync/domain';
import { keysetPages, type ReadModelDb } from '../read-model-db';
import { sourceKey } from './import-report.projection';
import { PlanLineReader, type BlobFile } from './plan-lines';

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
  /**
   * Per field, before and after. For a created user, read from its import's plan: null until the
   * plan is recorded (and for a row a crash left from an earlier attempt at a plan that differs).
   */
  changes: FieldChanges | null;
}

/** A row's result without its changes: what reports that list outcomes need, read without the plan. */
export type ImportRowResult = Omit<ImportRowReport, 'changes'>;

interface ImportRecord {
  id: string; status: ImportStatus; file_name: string; sha256: string; size: number; format: string; options: string;
  source: string; requested_by: string; requested_at: string; encoding: string | null; total_rows: number | null;
  valid_rows: number | null; warnings: string; counts: string | null; dry_run: number; failure: string | null;
  decision: string | null; reverted: string | null; completed_at: string | null;
}
interface RowRecord {
  row: number | null; key: string | null; email: string | null; user_id: string | null; outcome: RowOutcome;
  reasons: string; warnings: string; changes: string | null; plan_offset: number | null; plan_length: number | null; plan_number: number;
}

/** The rows of the import whose id is bound: they refer to it by its number (see the imports table). */
const OF_IMPORT = 'import_number = (SELECT number FROM imports WHERE id = ?)';
const ROW_ORDER = 'ORDER BY ord, seq';
const PAGE = 1_000;
/** Rows that change a user: a created user's changes are in its plan (plan_offset), the others' in `changes`. */
const CHANGES = '(changes IS NOT NULL OR plan_offset IS NOT NULL)';

/**
 * Queries over imports and their per-row results. A created user's fields are read from its
 * import's plan, in the blob store: without `blobFile`, those rows' changes are null.
 */
export class ImportReportReadModel {
  constructor(
    private readonly db: ReadModelDb,
    private readonly blobFile?: BlobFile,
  ) {}

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

  /**
   * What a "disable missing" file's size is measured against (the guard on short files): among the
   * imports of the same source that completed and applied their plan (not dry runs), other than
   * `exceptId`, the latest that disabled missing users, else the latest. A small file imported in
   * between without it (new hires, say) must not become the measure of the next full export.
   */
  shortFileBaseline(source: { kind: string; sourceId?: string }, exceptId: string): ImportSummary | undefined {
    const record = this.db
      .prepare(
        `SELECT * FROM imports WHERE source_key = ? AND status = 'completed' AND dry_run = 0 AND id <> ?
         ORDER BY coalesce(json_extract(options, '$.disableMissing'), 0) DESC, completed_at DESC LIMIT 1`,
      )
      .get(sourceKey(source), exceptId) as ImportRecord | undefined;
    return record ? toSummary(record) : undefined;
  }

  rows(importId: string, offset = 0, limit = 100): { total: number; items: ImportRowReport[] } {
    const total = (this.db.prepare(`SELECT count(*) AS n FROM import_rows WHERE ${OF_IMPORT}`).get(importId) as { n: number }).n;
    const records = this.db
      .prepare(`SELECT * FROM import_rows WHERE ${OF_IMPORT} ${ROW_ORDER} LIMIT ? OFFSET ?`)
      .all(importId, Math.min(Math.max(1, limit), 10_000), Math.max(0, offset)) as RowRecord[];
    return { total, items: this.toRows(importId, records) };
  }

  /** Rows that change a user (planned or applied), in row order, each with every field's from and to. */
  changes(importId: string, offset = 0, limit = 100): { total: number; items: ImportRowReport[] } {
    const where = `${OF_IMPORT} AND ${CHANGES}`;
    const total = (this.db.prepare(`SELECT count(*) AS n FROM import_rows WHERE ${where}`).get(importId) as { n: number }).n;
    const records = this.db
      .prepare(`SELECT * FROM import_rows WHERE ${where} ${ROW_ORDER} LIMIT ? OFFSET ?`)
      .all(importId, Math.min(Math.max(1, limit), 10_000), Math.max(0, offset)) as RowRecord[];
    return { total, items: this.toRows(importId, records) };
  }

  /** Every row of one import in row order, streamed (a report can have a million rows). */
  allRows(importId: string): IterableIterator<ImportRowReport> {
    return this.withChanges(importId, this.pagedRows(importId, '1 = 1'));
  }

  /** The same rows without their changes: no created user's fields are read from the plan. */
  allResults(importId: string): IterableIterator<ImportRowResult> {
    return mapIterator(this.pagedRows(importId, '1 = 1'), toResult);
  }

  /** Every row that changes a user, streamed. */
  allChanges(importId: string): IterableIterator<ImportRowReport> {
    return this.withChanges(importId, this.pagedRows(importId, CHANGES));
  }

  private *withChanges(importId: string, records: Iterable<RowRecord>): IterableIterator<ImportRowReport> {
    const changes = this.rowChanges(importId);
    try {
      for (const record of records) yield toRow(record, changes);
    } finally {
      changes.close();
    }
  }

  private pagedRows(importId: string, where: string): IterableIterator<RowRecord> {
    type Paged = RowRecord & { ord: number; seq: number };
    const first = this.db.prepare(`SELECT * FROM import_rows WHERE ${OF_IMPORT} AND ${where} ${ROW_ORDER} LIMIT ${PAGE}`);
    const next = this.db.prepare(`SELECT * FROM import_rows WHERE ${OF_IMPORT} AND ${where} AND (ord, seq) > (?, ?) ${ROW_ORDER} LIMIT ${PAGE}`);
    return keysetPages<Paged, [number, number]>(
      () => first.all(importId) as Paged[],
      ([ord, seq]) => next.all(importId, ord, seq) as Paged[],
      (record) => [record.ord, record.seq],
    );
  }

  private toRows(importId: string, records: RowRecord[]): ImportRowReport[] {
    return [...this.withChanges(importId, records)];
  }

  /** Reads the changes of an import's rows: as stored, or, for a created user, from its plan's line. */
  private rowChanges(importId: string): RowChanges {
    const plans = new Map(
      (this.db.prepare('SELECT plan_number, sha256 FROM import_plans WHERE import_id = ?').all(importId) as { plan_number: number; sha256: string }[]).map(
        (plan) => [plan.plan_number, plan.sha256],
      ),
    );
    const reader = this.blobFile && plans.size > 0 ? new PlanLineReader(this.blobFile) : undefined;
    return {
      of(record) {
        if (record.changes) return JSON.parse(record.changes);
        const plan = plans.get(record.plan_number);
        if (!reader || !plan || record.plan_offset === null || record.plan_length === null || record.user_id === null) return null;
        return reader.changesAt(plan, { offset: record.plan_offset, length: record.plan_length }, record.user_id);
      },
      close: () => reader?.close(),
    };
  }
}

interface RowChanges {
  of(record: RowRecord): FieldChanges | null;
  close(): void;
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

function toRow(r: RowRecord, changes: RowChanges): ImportRowReport {
  const row = toResult(r) as ImportRowReport;
  row.changes = changes.of(r);
  return row;
}

function toResult(r: RowRecord): ImportRowResult {
  return {
    row: r.row,
    key: r.key,
    email: r.email,
    userId: r.user_id,
    outcome: r.outcome,
    reasons: JSON.parse(r.reasons),
    warnings: JSON.parse(r.warnings),
  };
}

function* mapIterator<T, U>(items: Iterable<T>, map: (item: T) => U): IterableIterator<U> {
  for (const item of items) yield map(item);
}
