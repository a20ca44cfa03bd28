import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { RequestImportService, type ImportRequest } from '@dirsync/extraction';
import { ImportLog } from '@dirsync/import-log';
import { ImportReportReadModel, ProjectionRunner, type ImportSummary } from '@dirsync/projections';

/** Requests an import and waits until the pipeline finished it and the read models include it. */
@Injectable()
export class ImportRunner {
  private readonly log: ImportLog;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    private readonly extraction: RequestImportService,
    private readonly projections: ProjectionRunner,
    private readonly reports: ImportReportReadModel,
  ) {
    this.log = new ImportLog(store);
  }

  async run(request: ImportRequest): Promise<ImportSummary> {
    const importId = await this.extraction.request(request);
    await this.log.waitUntilSettled(importId);
    await this.projections.catchUp();
    const summary = this.reports.get(importId);
    if (!summary) throw new Error(`import ${importId} finished but its report is missing from the read models`);
    return summary;
  }
}
