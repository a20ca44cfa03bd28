import { CatalogProjection } from './catalog/catalog.projection';
import { DirectoryProjection } from './directory/directory.projection';
import { ImportReportProjection } from './import-report/import-report.projection';
import type { ReadModelDb } from './read-model-db';
import type { Projection } from './runner/projection';

/** Every read model the runner keeps, over one database: the module and the projection thread build the same. */
export const readModelProjections = (db: ReadModelDb): Projection[] => [
  new DirectoryProjection(db),
  new ImportReportProjection(db),
  new CatalogProjection(db),
];
