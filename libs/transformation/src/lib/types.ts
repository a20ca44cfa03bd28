import type { ImportOptions, MatchBy, RejectedRow, UserRecord } from '@dirsync/domain';

export type CsvEncoding = NonNullable<ImportOptions['encoding']>;
export type CsvDelimiter = NonNullable<ImportOptions['delimiter']>;

export interface ParseOptions {
  /** The file's name as the administrator knows it; used in messages only, never as a path. */
  fileName: string;
  /** Unset: identifier when the file has that column, else email. */
  matchBy?: MatchBy;
  /** Appended as `@domain` to identifiers without `@`. */
  domain?: string;
  /** Unset: detected (BOM, else UTF-8 when the file has any valid UTF-8 multi-byte sequence or is all ASCII, else windows-1252). */
  encoding?: CsvEncoding;
  /** Unset: the most frequent of `,` `;` tab in the header line. */
  delimiter?: CsvDelimiter;
  /** Custom mapping: file header -> canonical field name or alias; wins over the built-in aliases. */
  mapping?: Record<string, string>;
  /** Largest record (in UTF-8 bytes) the parser accepts; default 64 KiB. */
  maxRecordBytes?: number;
  /** A CSV file of at least this many bytes is split into rows on a worker thread; default 32 MiB. */
  csvThreadFromBytes?: number;
}

/** Receives rows in file order; each call is awaited, so a slow sink slows the reading (backpressure). */
export interface RowSink {
  record(r: UserRecord): void | Promise<void>;
  reject(r: RejectedRow): void | Promise<void>;
}

export interface ParseSummary {
  encoding: string;
  delimiter: string;
  matchBy: MatchBy;
  /** Every header cell in file order with the field it feeds (`null`: ignored). */
  columns: { header: string; field: string | null }[];
  /** Data rows read, blank rows excluded: validRows + rejectedRows. */
  totalRows: number;
  validRows: number;
  rejectedRows: number;
  warnings: string[];
}
