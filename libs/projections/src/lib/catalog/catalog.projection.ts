import { CATALOG_STREAM, catalogKey, type CatalogEntryDefined } from '@dirsync/domain';
import type { RecordedEvent } from '@dirsync/event-store';
import type { Projection } from '../runner/projection';
import type { ReadModelDb } from '../read-model-db';

/** Security roles and generic properties known to the directory, from the `catalog` stream. */
export class CatalogProjection implements Projection {
  readonly name = 'catalog';
  readonly streamPrefixes = [CATALOG_STREAM];
  private readonly insert;

  constructor(private readonly db: ReadModelDb) {
    this.insert = db.prepare(
      'INSERT OR IGNORE INTO catalog (kind, key, name, defined_at, import_id) VALUES (@kind, @key, @name, @definedAt, @importId)',
    );
  }

  apply(event: RecordedEvent): void {
    if (event.type !== 'CatalogEntryDefined') return;
    const entry = event.data as CatalogEntryDefined;
    this.insert.run({ kind: entry.kind, key: catalogKey(entry.name), name: entry.name, definedAt: event.recordedAt, importId: entry.importId ?? null });
  }

  reset(): void {
    this.db.exec('DELETE FROM catalog');
  }
}
