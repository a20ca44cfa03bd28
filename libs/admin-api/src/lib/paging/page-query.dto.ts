import { pageQuery } from '@dirsync/api-common';

/** GET /api/imports. */
export class ImportsPageQuery extends pageQuery(50, 1_000) {}

/** GET /api/imports/:id/results and /changes: the read model serves up to 10,000 rows a page. */
export class RowsPageQuery extends pageQuery(100, 10_000) {}
