/** The catalog: security roles and generic properties users may carry. XML imports define new ones. */

export const CATALOG_STREAM = 'catalog';

export type CatalogKind = 'securityRole' | 'genericProperty';

export interface CatalogEntryDefined {
  kind: CatalogKind;
  name: string;
  importId?: string;
  row?: number;
}

export type CatalogEvent = { type: 'CatalogEntryDefined'; data: CatalogEntryDefined };

/** Catalog names compare case-insensitively: "Admin" and "admin" are one role. */
export const catalogKey = (name: string): string => name.trim().toLowerCase();
