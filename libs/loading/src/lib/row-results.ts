import { toRowResultColumns, type ImportEvent, type RowResult } from '@dirsync/domain';
import type { ImportLog } from '@dirsync/import-log';

/**
 * Row results per ImportRowsPlanned event (an import's plan, a revert's report): small events,
 * tens of KB, keep any page of the log that a reader holds in memory small.
 */
export const RESULTS_PER_CHUNK = 100;

/** Row-result events per append (the KurrentDB adapter splits appends above 1 MiB). */
const CHUNKS_PER_APPEND = 20;

export interface RowResultRecorderOptions {
  planNumber: number;
  /** The name (and so the event id) of the n-th chunk: the same chunk gets the same id on a retry. */
  chunkName: (chunkIndex: number) => string;
  /** Runs before each append, e.g. to store the users' events before the rows that report them. */
  beforeAppend?: () => Promise<unknown>;
  /** Runs after each append, e.g. to have the rows projected while the next ones are decided. */
  afterAppend?: () => void;
}

/**
 * Appends row results to an import's stream as they come, in ImportRowsPlanned events of
 * RESULTS_PER_CHUNK rows stored as columns, CHUNKS_PER_APPEND events per append, each at the
 * stream's exact revision. Memory holds one append's rows.
 */
export class RowResultRecorder {
  private rows: RowResult[] = [];
  private chunkIndex = 0;

  constructor(
    private readonly log: ImportLog,
    private readonly importId: string,
    private revision: number,
    private readonly options: RowResultRecorderOptions,
  ) {}

  async add(result: RowResult): Promise<void> {
    this.rows.push(result);
    if (this.rows.length >= RESULTS_PER_CHUNK * CHUNKS_PER_APPEND) await this.flush();
  }

  /** Appends the rows not yet appended; returns the stream's revision. */
  async flush(): Promise<number> {
    if (this.rows.length === 0) return this.revision;
    await this.options.beforeAppend?.();
    const { importId } = this;
    const { planNumber, chunkName } = this.options;
    const events: (ImportEvent & { name: string })[] = [];
    for (let i = 0; i < this.rows.length; i += RESULTS_PER_CHUNK) {
      const columns = toRowResultColumns(this.rows.slice(i, i + RESULTS_PER_CHUNK));
      events.push({ name: chunkName(this.chunkIndex++), type: 'ImportRowsPlanned', data: { importId, planNumber, columns } });
    }
    this.revision = await this.log.append(importId, this.revision, events);
    this.rows = [];
    this.options.afterAppend?.();
    return this.revision;
  }
}
