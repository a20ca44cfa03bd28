import {
  IMPORT_STREAM_PREFIX,
  plannedRowResults,
  type ImportEvent,
  type RowResult,
} from '@dirsync/domain';
import type { RecordedEvent } from '@dirsync/event-store';
import type { Projection } from '../runner/projection';
import type { ReadModelDb } from '../read-model-db';

/** Imports and their per-row results, from the `import-<id>` streams alone. */
/** The report's name among the projections (its checkpoint's key). */
export const IMPORT_REPORT_PROJECTION = 'import-report';

export class ImportReportProjection implements Projection {
  readonly name = IMPORT_REPORT_PROJECTION;
  readonly streamPrefixes = [IMPORT_STREAM_PREFIX];
  private readonly insertImport;
  private readonly importNumber;
  private readonly updateImport;
  private readonly insertRow;
  private readonly startPlan;
  private readonly dropOlderPlans;
  private readonly recordPlan;
  private readonly markNotApplied;

  constructor(private readonly db: ReadModelDb) {
    // An upsert, not a replacement: the import keeps the number its rows refer to it by.
    this.insertImport = db.prepare(`INSERT INTO imports
      (id, status, file_name, sha256, size, format, options, source, source_key, requested_by, requested_at, dry_run)
      VALUES (@id, 'requested', @fileName, @sha256, @size, @format, @options, @source, @sourceKey, @requestedBy, @requestedAt, @dryRun)
      ON CONFLICT(id) DO UPDATE SET ${REQUESTED_COLUMNS.map((column) => `${column} = excluded.${column}`).join(', ')}`);
    this.importNumber = db.prepare<[string], number>('SELECT number FROM imports WHERE id = ?').pluck();
    this.updateImport = db.prepare(`UPDATE imports SET
      status = coalesce(@status, status), encoding = coalesce(@encoding, encoding),
      total_rows = coalesce(@totalRows, total_rows), valid_rows = coalesce(@validRows, valid_rows),
      warnings = coalesce(@warnings, warnings), counts = coalesce(@counts, counts),
      failure = coalesce(@failure, failure), completed_at = coalesce(@completedAt, completed_at),
      decision = coalesce(@decision, decision), reverted = coalesce(@reverted, reverted)
      WHERE id = @id`);
    this.startPlan = db.prepare(`UPDATE imports SET plan_number = @planNumber WHERE id = @importId AND plan_number < @planNumber`);
    this.dropOlderPlans = db.prepare(`DELETE FROM import_rows WHERE import_number = ? AND plan_number BETWEEN 1 AND ? - 1`);
    // Positional: a report row is written for every row of every file, and an array binds faster than named parameters.
    this.recordPlan = db.prepare(`INSERT OR REPLACE INTO import_plans (import_id, plan_number, sha256) VALUES (?, ?, ?)`);
    // A row of the current plan that changes its user: at most one per user. What it would have
    // changed stays in the log (the plan, its row results); the report keeps what the import did.
    this.markNotApplied = db.prepare(`UPDATE import_rows SET outcome = 'rejected', reasons = ?, changes = NULL, plan_offset = NULL, plan_length = NULL
      WHERE import_number = ? AND plan_number = (SELECT plan_number FROM imports WHERE number = ?) AND user_id = ?
        AND outcome IN ('created', 'updated', 'disabled', 'reactivated')`);
    this.insertRow = db.prepare(`INSERT INTO import_rows (import_number, row, key, email, user_id, outcome, reasons, warnings, changes, plan_offset, plan_length, ord, plan_number)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  apply(recorded: RecordedEvent): void {
    const event = { type: recorded.type, data: recorded.data } as ImportEvent;
    const update = (fields: Partial<Record<string, unknown>>) =>
      this.updateImport.run({
        id: event.data.importId,
        status: null, encoding: null, totalRows: null, validRows: null, warnings: null, counts: null, failure: null, completedAt: null, decision: null, reverted: null,
        ...fields,
      });
    switch (event.type) {
      case 'ImportRequested': {
        const d = event.data;
        this.insertImport.run({
          id: d.importId, fileName: d.fileName, sha256: d.file.sha256, size: d.file.size, format: d.format,
          options: JSON.stringify(d.options), source: JSON.stringify(d.source), sourceKey: sourceKey(d.source), requestedBy: d.requestedBy,
          requestedAt: d.requestedAt, dryRun: d.options.dryRun ? 1 : 0,
        });
        return;
      }
      case 'RevertRequested': {
        const d = event.data;
        const source = { kind: 'revert', importId: d.revertOf };
        this.insertImport.run({
          id: d.importId, fileName: `revert of ${d.revertOf}`, sha256: '', size: 0, format: 'revert', options: '{}',
          source: JSON.stringify(source), sourceKey: 'revert', requestedBy: d.requestedBy, requestedAt: d.requestedAt, dryRun: 0,
        });
        return;
      }
      case 'ImportReverted':
        update({ reverted: JSON.stringify({ revertId: event.data.revertId, by: event.data.by, at: event.data.at }) });
        return;
      case 'ImportRowsRejected': {
        const importNumber = this.numberOf(event.data.importId);
        for (const row of event.data.rows) {
          this.addRow(importNumber, {
            row: row.row, key: row.key, email: row.email, outcome: 'rejected',
            reasons: row.reasons.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)), warnings: [],
          }, 0);
        }
        return;
      }
      case 'ImportTransformed':
        update({
          status: 'transformed', encoding: event.data.encoding, totalRows: event.data.totalRows,
          validRows: event.data.validRows, warnings: JSON.stringify(event.data.warnings),
        });
        return;
      case 'ImportRowsPlanned': {
        const { importId, planNumber = 1 } = event.data;
        const importNumber = this.numberOf(importId);
        if (this.startPlan.run({ importId, planNumber }).changes > 0 && planNumber > 1) this.dropOlderPlans.run(importNumber, planNumber);
        for (const row of plannedRowResults(event.data)) this.addRow(importNumber, row, planNumber);
        return;
      }
      case 'ImportPlanned':
        // Logs from before re-plans have no plan number: their one plan is plan 1, as for their rows.
        this.recordPlan.run(event.data.importId, event.data.planNumber ?? 1, event.data.plan.sha256);
        update({ status: 'planned', counts: JSON.stringify(event.data.counts) });
        return;
      case 'ImportAwaitingApproval':
        update({ status: 'awaiting-approval', decision: JSON.stringify({ reasons: event.data.reasons }) });
        return;
      case 'ImportApproved':
        update({ status: 'approved', decision: JSON.stringify({ approvedBy: event.data.by, approvedAt: event.data.at }) });
        return;
      case 'ImportRejected':
        update({
          status: 'rejected', completedAt: event.data.at,
          decision: JSON.stringify({ rejectedBy: event.data.by, rejectedAt: event.data.at, reason: event.data.reason ?? null }),
        });
        return;
      case 'ImportCompleted': {
        update({ status: 'completed', counts: JSON.stringify(event.data.counts), completedAt: event.data.completedAt });
        const notApplied = event.data.notApplied ?? [];
        if (notApplied.length > 0) {
          const importNumber = this.numberOf(event.data.importId);
          for (const row of notApplied) this.markNotApplied.run(JSON.stringify([row.reason]), importNumber, importNumber, row.userId);
        }
        return;
      }
      case 'ImportFailed':
        update({
          status: 'failed', completedAt: event.data.failedAt,
          failure: JSON.stringify({ stage: event.data.stage, reason: event.data.reason, problems: event.data.problems }),
        });
        return;
    }
  }

  reset(): void {
    this.db.exec('DELETE FROM imports; DELETE FROM import_rows; DELETE FROM import_plans;');
  }

  /** The number the import's rows refer to it by; its ImportRequested (or RevertRequested) came first. */
  private numberOf(importId: string): number {
    const number = this.importNumber.get(importId);
    if (number === undefined) throw new Error(`import ${importId}: row results before the import was requested`);
    return number;
  }

  private addRow(importNumber: number, row: RowResult, planNumber: number): void {
    this.insertRow.run(
      importNumber,
      row.row ?? null,
      row.key ?? null,
      row.email ?? null,
      row.userId ?? null,
      row.outcome,
      jsonList(row.reasons),
      jsonList(row.warnings),
      row.changes ? JSON.stringify(row.changes) : null,
      row.planLine?.offset ?? null,
      row.planLine?.length ?? null,
      row.row ?? Number.MAX_SAFE_INTEGER,
      planNumber,
    );
  }
}

/** What ImportRequested and RevertRequested set: applied again, they set it again. */
const REQUESTED_COLUMNS = ['status', 'file_name', 'sha256', 'size', 'format', 'options', 'source', 'source_key', 'requested_by', 'requested_at', 'dry_run'];

/** Most rows have no warnings, and created ones no reasons: a rebuild writes millions of rows. */
const jsonList = (list: string[]): string => (list.length === 0 ? '[]' : JSON.stringify(list));

/** Imports of one source are compared with each other (the shrink guard): an FTP source by id, uploads and CLI runs by kind. */
export const sourceKey = (source: { kind: string; sourceId?: string }): string =>
  source.sourceId ? `${source.kind}:${source.sourceId}` : source.kind;
