import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  CATALOG_STREAM,
  countsWithoutNotApplied,
  guardReasons,
  importStream,
  isSettled,
  planNumberFor,
  unfinishedPlan,
  USER_STREAM_PREFIX,
  type ImportPlanned,
  type ImportRequested,
  type ImportRowsRejected,
  type ImportState,
  type ImportTransformed,
  type FileSize,
} from '@dirsync/domain';
import { BLOB_STORE, BlobStore } from '@dirsync/blob-store';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { ImportLog } from '@dirsync/import-log';
import { CatalogReadModel, DirectoryReadModel, ImportReportReadModel, ProjectionRunner, type ImportSummary } from '@dirsync/projections';
import { PlanApplier } from './apply-plan/plan-applier';
import { LOADING_OPTIONS, type LoadingOptions } from './loading.options';
import { ImportPlanner } from './plan-import/import-planner';
import { RowResultRecorder } from './row-results';

/** What loading needs from an import's transformation (see LoadingService.transformationOf). */
interface Transformation {
  /** Where ImportTransformed is in the log; 0 when it is not there. */
  position: number;
  /** The keys of the rows it rejected: their users are in the file, not missing from it. */
  rejectedKeys: string[];
  /** Rows rejected without a valid key (unreadable, empty or invalid), by row number. */
  rejectedWithoutKey: number[];
}

/**
 * The loading stage. For a transformed import: plans every row against the directory and records
 * the plan in the import's stream (phase one); then, unless it is a dry run or a guard stops it for
 * an administrator's approval, applies it and completes the import (phase two).
 *
 * It is safe to run again on the same import at any point (after a crash, or by a second process):
 * it picks up from what the import's stream says, and every event it writes has a fixed id.
 */
@Injectable()
export class LoadingService {
  private readonly logger = new Logger(LoadingService.name);
  private readonly log: ImportLog;
  private readonly planner: ImportPlanner;
  private readonly applier: PlanApplier;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(LOADING_OPTIONS) private readonly options: LoadingOptions,
    private readonly projections: ProjectionRunner,
    private readonly directory: DirectoryReadModel,
    private readonly reports: ImportReportReadModel,
    catalog: CatalogReadModel,
  ) {
    this.log = new ImportLog(store);
    this.planner = new ImportPlanner(directory, catalog, blobs);
    this.applier = new PlanApplier(store, blobs);
  }

  async load(importId: string): Promise<void> {
    const read = await this.log.read(importId);
    if (!read || isSettled(read.state) || !read.state.transformed) return;
    try {
      await this.advance(read.state, read.revision);
    } catch (error) {
      await this.fail(importId, error as Error);
    }
  }

  private async advance(state: ImportState, revision: number): Promise<void> {
    const { importId, requested, transformed } = state;
    if (!requested || !transformed) return;
    // Read from the import's stream once, for the plan and the guards, and only if one needs it.
    let transformation: Promise<Transformation> | undefined;
    const transformationOnce = () => (transformation ??= this.transformationOf(importId));
    let planned = state.planned;
    if (!planned) {
      ({ planned, revision } = await this.planAndRecord(state, requested, transformed, revision, transformationOnce));
    } else if (unfinishedPlan(state) || (state.status === 'approved' && state.applying !== planned.planNumber && (await this.directoryChangedSince(planned, importId)))) {
      // Approved, and someone changed the directory before the apply began (or the re-plan made
      // for that was stopped by a crash): the approved plan is made again.
      const approvedDisables = planned.counts.disabled;
      ({ planned, revision } = await this.planAndRecord(state, requested, transformed, revision, transformationOnce));
      if (planned.counts.disabled > approvedDisables) {
        const reason = `the directory changed after approval and the new plan disables ${planned.counts.disabled} users, more than the ${approvedDisables} approved`;
        await this.awaitApproval(importId, revision, planned, [reason]);
        return;
      }
    }
    const dryRun = requested.options.dryRun;
    if (!dryRun && state.status !== 'approved') {
      const reasons = await this.guard(requested, transformed, planned, transformationOnce);
      if (reasons.length > 0) {
        await this.awaitApproval(importId, revision, planned, reasons);
        return;
      }
    }
    if (!dryRun && state.applying !== planned.planNumber) {
      revision = await this.log.append(importId, revision, [
        { name: `applying-${planned.planNumber}`, type: 'ImportApplyStarted', data: { importId, planNumber: planned.planNumber } },
      ]);
    }
    // With the projections on a thread of their own, the directory takes the users as they are appended.
    const notApplied = dryRun ? [] : (await this.projections.followWhile(() => this.applier.apply(planned.plan.sha256))).notApplied;
    const counts = countsWithoutNotApplied(planned.counts, notApplied);
    await this.log.append(importId, revision, [
      {
        name: 'completed',
        type: 'ImportCompleted',
        data: { importId, counts, dryRun, completedAt: new Date().toISOString(), ...(notApplied.length > 0 ? { notApplied } : {}) },
      },
    ]);
    if (notApplied.length > 0) {
      const named = notApplied.slice(0, 10).map((row) => row.row ?? `user ${row.userId}`);
      const more = notApplied.length > named.length ? ` and ${notApplied.length - named.length} more` : '';
      this.logger.warn(`import ${importId}: ${notApplied.length} rows not applied, another writer changed their users meanwhile (${named.join(', ')}${more})`);
    }
    this.logger.log(`import ${importId} completed: ${JSON.stringify(counts)}`);
  }

  private async guard(
    requested: ImportRequested,
    transformed: ImportTransformed,
    planned: ImportPlanned,
    transformationOf: () => Promise<Transformation>,
  ): Promise<string[]> {
    // Resumed after a crash, the read models may lag: the source's last import must be in them.
    await this.projections.catchUp();
    const baseline = this.reports.shortFileBaseline(requested.source, requested.importId);
    const { rejectedWithoutKey } = await transformationOf();
    return guardReasons(
      {
        disables: planned.counts.disabled,
        activeUsers: planned.activeUsers,
        file: { rows: transformed.totalRows, namedUsers: planned.namedUsers },
        disableMissing: requested.options.disableMissing,
        previous: baseline && (await this.sizeOf(baseline)),
        rejectedWithoutKey,
      },
      this.options.guards,
    );
  }

  /**
   * The baseline's size, from its plan: the users it named. A plan recorded before they were
   * counted gives only the file's rows (duplicates and unkeyed rows included), never fewer.
   */
  private async sizeOf(baseline: ImportSummary): Promise<(FileSize & { disabledMissing: boolean }) | undefined> {
    if (baseline.totalRows === null) return undefined;
    const namedUsers = (await this.log.read(baseline.id))?.state.planned?.namedUsers;
    return { rows: baseline.totalRows, namedUsers, disabledMissing: baseline.options.disableMissing };
  }

  private async awaitApproval(importId: string, revision: number, planned: ImportPlanned, reasons: string[]): Promise<void> {
    await this.log.append(importId, revision, [
      { name: `awaiting-${planned.planNumber}`, type: 'ImportAwaitingApproval', data: { importId, planNumber: planned.planNumber, reasons } },
    ]);
    this.logger.warn(`import ${importId} awaits approval: ${reasons.join('; ')}`);
  }

  /** Phase one: the whole plan, decided against a directory that includes every earlier event. */
  private async planAndRecord(
    state: ImportState,
    requested: ImportRequested,
    transformed: ImportTransformed,
    revision: number,
    transformationOf: () => Promise<Transformation>,
  ): Promise<{ planned: ImportPlanned; revision: number }> {
    const { importId } = requested;
    const transformation = await transformationOf();
    const basedOnPosition = await this.directoryPosition(transformation.position);
    const planNumber = planNumberFor(state, basedOnPosition);
    if (planNumber !== unfinishedPlan(state)?.planNumber) {
      revision = await this.log.append(importId, revision, [
        { name: `planning-${planNumber}`, type: 'ImportPlanningStarted', data: { importId, planNumber, basedOnPosition } },
      ]);
    }
    await this.projections.waitFor(basedOnPosition);
    // Row results go into the import's stream as they are decided, so the report needs only the log.
    const results = new RowResultRecorder(this.log, importId, revision, {
      planNumber,
      chunkName: (index) => `plan-${planNumber}-rows-${index}`,
      // With the projections on a thread of their own, the report takes the rows while the next are decided.
      afterAppend: () => this.projections.keepUp(),
    });
    const output = await this.planner.plan({
      importId,
      options: requested.options,
      matchBy: transformed.matchBy,
      format: requested.format,
      recordsSha256: transformed.records.sha256,
      validRows: transformed.validRows,
      rejectedBeforePlanning: transformed.rejectedRows,
      rejectedKeys: transformation.rejectedKeys,
    }, results);
    revision = await results.flush();
    const planned: ImportPlanned = {
      importId,
      planNumber,
      basedOnPosition,
      activeUsers: this.directory.countActive(),
      plan: output.plan,
      counts: output.counts,
      eventCount: output.eventCount,
      namedUsers: output.namedUsers,
    };
    revision = await this.log.append(importId, revision, [{ name: `planned-${planNumber}`, type: 'ImportPlanned', data: planned }]);
    return { planned, revision };
  }

  /**
   * The last event the directory is made of (user and catalog streams), and no earlier than this
   * import's transformation. Unlike the log's head it does not move when this import's own row
   * results are appended, so a plan made again after a crash records the same position.
   */
  private directoryPosition(transformedAt: number): Promise<number> {
    return this.store.headPosition({ fromPosition: transformedAt, filter: { streamPrefixes: [USER_STREAM_PREFIX, CATALOG_STREAM] } });
  }

  /** Has anyone but this import written a user event since the plan was made? */
  private async directoryChangedSince(planned: ImportPlanned, importId: string): Promise<boolean> {
    for await (const event of this.store.readAll({ fromPosition: planned.basedOnPosition, filter: { streamPrefixes: [USER_STREAM_PREFIX] } })) {
      if ((event.data as { importId?: string }).importId !== importId) return true;
    }
    return false;
  }

  /**
   * From the import's own stream: where its transformation was recorded, the keys of the rows it
   * rejected (appended together with it), and the rows it rejected before it could read their key
   * (an invalid key cell included: it names nobody for certain).
   * Reading stops there: an earlier plan's row results come after and are not needed.
   */
  private async transformationOf(importId: string): Promise<Transformation> {
    const transformation: Transformation = { position: 0, rejectedKeys: [], rejectedWithoutKey: [] };
    for await (const event of this.store.readStream(importStream(importId))) {
      if (event.type === 'ImportRowsRejected') {
        for (const row of (event.data as ImportRowsRejected).rows) {
          if (row.key && !row.keyInvalid) transformation.rejectedKeys.push(row.key);
          else transformation.rejectedWithoutKey.push(row.row);
        }
      }
      if (event.type === 'ImportTransformed') return { ...transformation, position: event.position };
    }
    return transformation;
  }

  private async fail(importId: string, error: Error): Promise<void> {
    this.logger.error(`import ${importId} failed in loading: ${error.message}`);
    const current = await this.log.read(importId);
    if (!current || isSettled(current.state)) return;
    await this.log.append(importId, current.revision, [
      { name: 'failed', type: 'ImportFailed', data: { importId, stage: 'loading', reason: error.message, problems: [], failedAt: new Date().toISOString() } },
    ]);
  }
}
