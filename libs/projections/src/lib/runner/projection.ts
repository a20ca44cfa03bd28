import type { RecordedEvent } from '@dirsync/event-store';

/**
 * A read model fed from the log. `apply` runs inside the runner's transaction, together with the
 * checkpoint, so rows and checkpoint never disagree. It must be synchronous (better-sqlite3).
 */
export interface Projection {
  readonly name: string;
  /** Stream prefixes this projection reads; the runner asks the store for these only. */
  readonly streamPrefixes: string[];
  apply(event: RecordedEvent): void;
  /** Deletes every row, for a rebuild. */
  reset(): void;
}
