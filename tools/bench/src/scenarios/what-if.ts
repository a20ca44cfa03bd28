import type { INestApplicationContext } from '@nestjs/common';
import type Database from 'better-sqlite3';
import { evolveImport, importStream, isSettled, type ImportEvent, type ImportState } from '@dirsync/domain';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { ImportLog } from '@dirsync/import-log';
import { READ_MODEL_DB } from '@dirsync/projections';

/**
 * `--what-if`: changes made to the booted pipeline in the bench's child process only, to measure
 * what a proposed fix would gain before anyone changes the pipeline. Each one mimics a
 * recommendation of the bench's report; drop it once the real fix has landed.
 */
export const WHAT_IFS = {
  /** ImportLog.waitUntilSettled folds only the events appended since its last poll, instead of re-reading the whole stream. */
  poll: (): void => {
    ImportLog.prototype.waitUntilSettled = function (this: ImportLog, importId: string, pollIntervalMs = 50): Promise<ImportState> {
      const store = (this as unknown as { store: EventStore }).store;
      let state: ImportState | undefined;
      let revision = -1;
      return new Promise((resolve, reject) => {
        const check = async (): Promise<void> => {
          try {
            for await (const event of store.readStream(importStream(importId), { fromRevision: revision + 1 })) {
              state = evolveImport(state, { type: event.type, data: event.data } as ImportEvent);
              revision = event.revision;
            }
            if (state && isSettled(state)) return resolve(state);
            setTimeout(check, pollIntervalMs);
          } catch (error) {
            reject(error);
          }
        };
        void check();
      });
    };
  },
  /** A 64 MiB page cache and rarer WAL auto-checkpoints on both SQLite files (defaults: 2 MiB, every 1,000 pages). */
  sqlite: (app: INestApplicationContext): void => {
    const databases = [
      app.get<Database.Database>(READ_MODEL_DB),
      (app.get<EventStore>(EVENT_STORE) as unknown as { db: Database.Database }).db,
    ];
    for (const db of databases) {
      db.pragma('cache_size = -65536');
      db.pragma('wal_autocheckpoint = 16384');
    }
  },
} satisfies Record<string, (app: INestApplicationContext) => void>;

export type WhatIf = keyof typeof WHAT_IFS;

export function whatIfsFromEnv(): WhatIf[] {
  const names = (process.env.BENCH_WHAT_IF ?? '').split(',').filter(Boolean);
  for (const name of names) if (!(name in WHAT_IFS)) throw new Error(`unknown what-if "${name}"; choose from ${Object.keys(WHAT_IFS).join(', ')}`);
  return names as WhatIf[];
}
