import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ImportEvent, ImportRequested, RejectedRow, RowProblem } from '@dirsync/domain';
import { BLOB_STORE, BlobStore, readNdjson, type BlobWriter } from '@dirsync/blob-store';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { ImportLog } from '@dirsync/import-log';
import { FileRejectedError, parseUserFile, type ParseSummary } from '../../index';

/** Rejected rows per ImportRowsRejected event: small events keep the pages a log reader holds small. */
const REJECTIONS_PER_CHUNK = 100;

type Named = ImportEvent & { name: string };

/**
 * The transformation stage: for a requested import, decodes and parses the stored file, validates
 * and maps each row, and writes the valid records to a blob for loading. A file-level problem
 * fails the import before anything is applied; a bad row is rejected on its own.
 */
@Injectable()
export class TransformImportService {
  private readonly logger = new Logger(TransformImportService.name);
  private readonly log: ImportLog;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {
    this.log = new ImportLog(store);
  }

  async transform(importId: string): Promise<void> {
    const read = await this.log.read(importId);
    if (!read || read.state.status !== 'requested' || !read.state.requested) return;
    const requested = read.state.requested;
    const records = this.blobs.writer();
    const rejections = this.blobs.writer();
    try {
      const summary = await this.parse(requested, records, rejections);
      if (summary.totalRows === 0) throw new FileRejectedError(requested.fileName, [{ message: 'the file has no users: an empty file never changes the directory' }]);
      const recordsRef = await records.commit();
      const rejectionsRef = await rejections.commit();
      await this.log.append(importId, read.revision, [
        ...(await this.rejectionChunks(importId, rejectionsRef.sha256)),
        {
          name: 'transformed',
          type: 'ImportTransformed',
          data: {
            importId,
            records: recordsRef,
            encoding: summary.encoding,
            delimiter: summary.delimiter,
            matchBy: summary.matchBy,
            totalRows: summary.totalRows,
            validRows: summary.validRows,
            rejectedRows: summary.rejectedRows,
            warnings: summary.warnings,
          },
        },
      ]);
      this.logger.log(`import ${importId}: ${summary.validRows} valid rows, ${summary.rejectedRows} rejected`);
    } catch (error) {
      await Promise.all([records.abort(), rejections.abort()]);
      await this.fail(importId, read.revision, requested.fileName, error as Error);
    }
  }

  private async parse(requested: ImportRequested, records: BlobWriter, rejections: BlobWriter): Promise<ParseSummary> {
    const { options } = requested;
    return parseUserFile(
      this.blobs.path(requested.file.sha256),
      {
        format: requested.format,
        fileName: requested.fileName,
        matchBy: options.matchBy,
        domain: options.domain,
        encoding: options.encoding,
        delimiter: options.delimiter,
        mapping: options.mapping,
      },
      {
        record: (record) => records.write(`${JSON.stringify(record)}\n`),
        reject: (row) => rejections.write(`${JSON.stringify(row)}\n`),
      },
    );
  }

  private async rejectionChunks(importId: string, sha256: string): Promise<Named[]> {
    const chunks: Named[] = [];
    let rows: RejectedRow[] = [];
    const flush = () => {
      if (rows.length === 0) return;
      chunks.push({ name: `rows-rejected-${chunks.length}`, type: 'ImportRowsRejected', data: { importId, rows } });
      rows = [];
    };
    for await (const row of readNdjson<RejectedRow>(this.blobs.openRead(sha256))) {
      rows.push(row);
      if (rows.length >= REJECTIONS_PER_CHUNK) flush();
    }
    flush();
    return chunks;
  }

  private async fail(importId: string, revision: number, fileName: string, error: Error): Promise<void> {
    const problems: (RowProblem & { row?: number })[] = error instanceof FileRejectedError ? error.problems : [];
    const reason = error instanceof FileRejectedError ? error.message : `could not read ${fileName}: ${error.message}`;
    this.logger.warn(`import ${importId} failed in transformation: ${reason}`);
    await this.log.append(importId, revision, [
      { name: 'failed', type: 'ImportFailed', data: { importId, stage: 'transformation', reason, problems, failedAt: new Date().toISOString() } },
    ]);
  }
}
