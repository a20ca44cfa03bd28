export interface AdminApiOptions {
  /** Where uploads are streamed before they enter the blob store. */
  uploadDir: string;
  maxUploadBytes: number;
  /** An admin token to create at start (ETL_ADMIN_TOKEN), so a fresh deployment can be used at all. */
  adminToken?: string;
}
export const ADMIN_API_OPTIONS = Symbol('ADMIN_API_OPTIONS');
