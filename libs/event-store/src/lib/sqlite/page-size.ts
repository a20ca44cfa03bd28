/**
 * The JSON a page of the log aims to hold. A reader keeps the rest of a page while it works on
 * what it took (a projection batch): 500 row-result events, each of 100 created users, are about
 * 35 MB of text; 500 user events a quarter of a megabyte.
 */
export const PAGE_TEXT_BYTES = 4 * 1024 * 1024;

/**
 * Events for the next page of the log, if they are the size of the last page's `events` holding
 * `textBytes` of JSON: as many as fit PAGE_TEXT_BYTES, at most `maxPageSize`, at least one.
 */
export function nextPageSize(textBytes: number, events: number, maxPageSize: number): number {
  if (textBytes === 0) return maxPageSize;
  return Math.max(1, Math.min(maxPageSize, Math.floor((events * PAGE_TEXT_BYTES) / textBytes)));
}
