import { catalogKey, type CatalogKind } from '@dirsync/domain';
import type { ReadModelDb } from '../read-model-db';

export interface CatalogEntry {
  name: string;
  definedAt: string;
  importId: string | null;
}

export interface Catalog {
  securityRoles: CatalogEntry[];
  genericProperties: CatalogEntry[];
}

export class CatalogReadModel {
  private readonly lookup;

  constructor(private readonly db: ReadModelDb) {
    this.lookup = db.prepare<[string, string], { name: string }>('SELECT name FROM catalog WHERE kind = ? AND key = ?');
  }

  /** The catalog's spelling of a role or property, or undefined when it is not defined. */
  find(kind: CatalogKind, name: string): string | undefined {
    return this.lookup.get(kind, catalogKey(name))?.name;
  }

  all(): Catalog {
    const entries = (kind: CatalogKind) =>
      (this.db.prepare('SELECT name, defined_at, import_id FROM catalog WHERE kind = ? ORDER BY key').all(kind) as {
        name: string;
        defined_at: string;
        import_id: string | null;
      }[]).map((r) => ({ name: r.name, definedAt: r.defined_at, importId: r.import_id }));
    return { securityRoles: entries('securityRole'), genericProperties: entries('genericProperty') };
  }
}
