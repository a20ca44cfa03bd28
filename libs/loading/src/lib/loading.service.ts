import { Inject, Injectable, Logger } from '@nestjs/common';
import { importStream, isFinished, type ImportPlanned, type ImportRowsRejected, type ImportRequested, type ImportTransformed, type RowResult } from '@dirsync/domain';
import { BLOB_STORE, BlobStore, readNdjson } from '@dirsync/blob-store';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { ImportLog } from '@dirsync/import-log';
import { CatalogReadModel, DirectoryReadModel, ProjectionRunner } from '@dirsync/projections';
import { PlanApplier } from './apply-plan/plan-applier';
import { ImportPlanner } from './plan-import/import-planner';
import type { PlanLine } from './plan-import/plan-line';


/** Row results per ImportRowsPlanned event, and events per append, keep each append well under 1 MiB. */
const RESULTS_PER_CHUNK = 500;
const CHUNKS_PER_APPEND = 4;

/**
 * The loading stage: for a transformed import, plans every row against the directory, records the
 * plan in the import's stream, then (unless it is a dry run) applies it and completes the import.
 * Safe to run again on the same import at any point: each step is skipped or repeated exactly.
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
    private readonly projections: ProjectionRunner,
    directory: DirectoryReadModel,
    catalog: CatalogReadModel,
  ) {
    this.log = new ImportLog(store);
    this.planner = new ImportPlanner(directory, catalog, blobs);
    this.applier = new PlanApplier(store, blobs);
  }

  async load(importId: string): Promise<void> {
    const read = await this.log.read(importId);
    if (!read || isFinished(read.state)) return;
    const { requested, transformed } = read.state;
    if (!requested || !transformed) return;
    let { revision } = read;
    try {
      let planned = read.state.planned;
      if (!planned) ({ planned, revision } = await this.planAndRecord(requested, transformed, revision));
      const dryRun = requested.options.dryRun;
      if (!dryRun) await this.applier.apply(planned.plan.sha256);
      await this.log.append(importId, revision, [
        { name: 'completed', type: 'ImportCompleted', data: { importId, counts: planned.counts, dryRun, completedAt: new Date().toISOString() } },
      ]);
      this.logger.log(`import ${importId} completed: ${JSON.stringify(planned.counts)}`);
    } catch (error) {
      this.logger.error(`import ${importId} failed in loading: ${(error as Error).message}`);
      const current = await this.log.read(importId);
      if (current && current.state.status !== 'completed' && current.state.status !== 'failed') {
        await this.log.append(importId, current.revision, [
          {
            name: 'failed',
            type: 'ImportFailed',
            data: { importId, stage: 'loading', reason: (error as Error).message, problems: [], failedAt: new Date().toISOString() },
          },
        ]);
      }
    }
  }

  /** Phase one: the whole plan, decided against a directory that includes every earlier event. */
  private async planAndRecord(
    requested: ImportRequested,
    transformed: ImportTransformed,
    revision: number,
  ): Promise<{ planned: ImportPlanned; revision: number }> {
    const { importId } = requested;
    await this.projections.catchUp();
    const output = await this.planner.plan({
      importId,
      options: requested.options,
      matchBy: transformed.matchBy,
      format: requested.format,
      recordsSha256: transformed.records.sha256,
      rejectedBeforePlanning: transformed.rejectedRows,
      rejectedKeys: await this.rejectedKeys(importId),
    });
    revision = await this.recordResults(importId, revision, output.plan.sha256);
    const planned: ImportPlanned = { importId, plan: output.plan, counts: output.counts, eventCount: output.eventCount };
    revision = await this.log.append(importId, revision, [{ name: 'planned', type: 'ImportPlanned', data: planned }]);
    return { planned, revision };
  }

  /** Keys of the rows transformation rejected, from the import's own stream. */
  private async rejectedKeys(importId: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const event of this.store.readStream(importStream(importId))) {
      if (event.type !== 'ImportRowsRejected') continue;
      for (const row of (event.data as ImportRowsRejected).rows) if (row.key) keys.push(row.key);
    }
    return keys;
  }

  /** Copies the plan's row results into the import's stream, so the report needs only the log. */
  private async recordResults(importId: string, revision: number, planSha256: string): Promise<number> {
    let chunk: RowResult[] = [];
    let pending: { name: string; type: 'ImportRowsPlanned'; data: { importId: string; rows: RowResult[] } }[] = [];
    let chunkIndex = 0;
    const flushChunk = () => {
      if (chunk.length === 0) return;
      pending.push({ name: `rows-planned-${chunkIndex++}`, type: 'ImportRowsPlanned', data: { importId, rows: chunk } });
      chunk = [];
    };
    const flushAppend = async () => {
      if (pending.length === 0) return;
      revision = await this.log.append(importId, revision, pending);
      pending = [];
    };
    for await (const line of readNdjson<PlanLine>(this.blobs.openRead(planSha256))) {
      chunk.push(line.result);
      if (chunk.length >= RESULTS_PER_CHUNK) flushChunk();
      if (pending.length >= CHUNKS_PER_APPEND) await flushAppend();
    }
    flushChunk();
    await flushAppend();
    return revision;
  }
}
