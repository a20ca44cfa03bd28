import { Inject, Injectable } from '@nestjs/common';
import { basename, extname } from 'node:path';
import {
  DEFAULT_IMPORT_OPTIONS,
  optionProblems,
  type ImportOptions,
  type ImportSourceKind,
} from '@dirsync/domain';
import { BLOB_STORE, BlobStore } from '@dirsync/blob-store';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { ImportLog } from '@dirsync/import-log';
import { v7 as uuidV7 } from 'uuid';
import { EXTRACTION_OPTIONS, type ExtractionOptions } from '../extraction.options';

export interface ImportRequest {
  /** The file as received, on local disk; it is copied into the blob store. */
  filePath: string;
  /** The name the administrator gave the file; kept as data, never used as a path. */
  fileName: string;
  options?: Partial<ImportOptions>;
  source: { kind: ImportSourceKind; sourceId?: string };
  requestedBy: string;
}

/** The options contradict each other; nothing was stored. */
export class InvalidImportOptionsError extends Error {
  override readonly name = 'InvalidImportOptionsError';
  constructor(readonly problems: string[]) {
    super(`Invalid import options: ${problems.join('; ')}`);
  }
}

/**
 * Extraction's hand-off: keeps the raw file (content-addressed) and appends the import's first
 * event. Transformation picks the import up from the log.
 */
@Injectable()
export class RequestImportService {
  private readonly log: ImportLog;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    @Inject(EXTRACTION_OPTIONS) private readonly settings: ExtractionOptions,
  ) {
    this.log = new ImportLog(store);
  }

  async request(request: ImportRequest): Promise<string> {
    const options = this.resolveOptions(request.options ?? {});
    const fileName = sanitizeFileName(request.fileName);
    const file = await this.blobs.putFile(request.filePath);
    // Time-ordered: the ids of the users and events an import creates begin with it (see sequentialId).
    const importId = uuidV7();
    await this.log.append(importId, -1, [
      {
        name: 'requested',
        type: 'ImportRequested',
        data: {
          importId,
          fileName,
          file,
          format: options.format ?? (extname(fileName).toLowerCase() === '.xml' ? 'xml' : 'csv'),
          options,
          source: request.source,
          requestedBy: request.requestedBy,
          requestedAt: new Date().toISOString(),
        },
      },
    ]);
    return importId;
  }

  private resolveOptions(given: Partial<ImportOptions>): ImportOptions {
    const defined = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
    const options: ImportOptions = {
      ...DEFAULT_IMPORT_OPTIONS,
      defaultLanguage: this.settings.defaultLanguage,
      ...defined,
    };
    const problems = optionProblems(options);
    if (problems.length > 0) throw new InvalidImportOptionsError(problems);
    return options;
  }
}

/** The base name, without control characters, at most 255 characters. */
export function sanitizeFileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const cleaned = basename(name.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return (cleaned || 'upload').slice(0, 255);
}
