import {
  BadRequestException,
  ConflictException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  ParseIntPipe,
  DefaultValuePipe,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Response } from 'express';
import { rm } from 'node:fs/promises';
import { InvalidImportOptionsError, RequestImportService } from '@dirsync/extraction';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { ImportLog } from '@dirsync/import-log';
import { ImportReportReadModel, ProjectionRunner, writeChangesCsv, writeReportCsv, type ImportSummary } from '@dirsync/projections';

import { ImportDecisionError, ImportDecisionService } from '@dirsync/loading';
import { RejectImportDto, UploadOptionsDto } from './upload-options.dto';

@Controller('imports')
export class ImportsController {
  private readonly log: ImportLog;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    private readonly extraction: RequestImportService,
    private readonly reports: ImportReportReadModel,
    private readonly projections: ProjectionRunner,
    private readonly decisions: ImportDecisionService,
  ) {
    this.log = new ImportLog(store);
  }

  /** Upload a file (multipart field `file`). Answers 202 at once, or the finished import with `?wait=true`. */
  @Post()
  @HttpCode(202)
  @UseInterceptors(FileInterceptor('file'))
  async upload(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() fields: UploadOptionsDto,
    @Query('wait') wait?: string,
  ): Promise<ImportSummary | { importId: string; status: string }> {
    if (!file) throw new BadRequestException('a file is required in the multipart field "file"');
    try {
      const importId = await this.extraction.request({
        filePath: file.path,
        fileName: file.originalname,
        options: Object.assign(new UploadOptionsDto(), fields).toImportOptions(),
        source: { kind: 'upload' },
        requestedBy: 'api',
      });
      if (wait !== 'true') return { importId, status: 'requested' };
      await this.log.waitUntilSettled(importId);
      return this.summary(importId);
    } catch (error) {
      if (error instanceof InvalidImportOptionsError) throw new BadRequestException(error.problems);
      throw error;
    } finally {
      await rm(file.path, { force: true });
    }
  }

  /** Applies a plan a guard stopped (re-planned if the directory changed since); answers once the pipeline settled it. */
  @Post(':id/approve')
  @HttpCode(200)
  async approve(@Param('id') id: string): Promise<ImportSummary> {
    await this.decide(() => this.decisions.approve(id, 'api'));
    await this.log.waitUntilSettled(id);
    return this.summary(id);
  }

  /** Discards a plan a guard stopped; nothing is applied. */
  @Post(':id/reject')
  @HttpCode(200)
  async reject(@Param('id') id: string, @Body() body: RejectImportDto): Promise<ImportSummary> {
    await this.decide(() => this.decisions.reject(id, 'api', body.reason));
    await this.log.waitUntilSettled(id);
    return this.summary(id);
  }

  @Get()
  list(
    @Query('offset', new DefaultValuePipe(0), ParseIntPipe) offset: number,
    @Query('limit', new DefaultValuePipe(50), ParseIntPipe) limit: number,
  ) {
    return this.reports.list(offset, limit);
  }

  @Get(':id')
  async get(@Param('id') id: string): Promise<ImportSummary> {
    return this.summary(id);
  }

  @Get(':id/results')
  async results(
    @Param('id') id: string,
    @Query('offset', new DefaultValuePipe(0), ParseIntPipe) offset: number,
    @Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit: number,
  ) {
    await this.summary(id);
    return { importId: id, offset, limit, ...this.reports.rows(id, offset, limit) };
  }

  @Get(':id/results.csv')
  async resultsCsv(@Param('id') id: string, @Res() response: Response): Promise<void> {
    await this.summary(id);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="import-${id}-results.csv"`);
    await writeReportCsv(this.reports.allRows(id), (chunk) => response.write(chunk));
    response.end();
  }

  /** What the import changes (planned) or changed (applied): per user and field, before and after. Paged JSON. */
  @Get(':id/changes')
  async changes(
    @Param('id') id: string,
    @Query('offset', new DefaultValuePipe(0), ParseIntPipe) offset: number,
    @Query('limit', new DefaultValuePipe(100), ParseIntPipe) limit: number,
  ) {
    const summary = await this.summary(id);
    const applied = summary.status === 'completed' && !summary.dryRun;
    return { importId: id, status: summary.status, applied, offset, limit, ...this.reports.changes(id, offset, limit) };
  }

  /** The same changes as CSV, one line per changed field. */
  @Get(':id/changes.csv')
  async changesCsv(@Param('id') id: string, @Res() response: Response): Promise<void> {
    await this.summary(id);
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="import-${id}-changes.csv"`);
    await writeChangesCsv(this.reports.allChanges(id), (chunk) => response.write(chunk));
    response.end();
  }

  private async decide(action: () => Promise<void>): Promise<void> {
    try {
      await action();
    } catch (error) {
      if (error instanceof ImportDecisionError) {
        throw error.kind === 'not-found' ? new NotFoundException(error.message) : new ConflictException(error.message);
      }
      throw error;
    }
  }

  private async summary(id: string): Promise<ImportSummary> {
    await this.projections.catchUp();
    const summary = this.reports.get(id);
    if (!summary) throw new NotFoundException(`no import with id ${id}`);
    return summary;
  }
}
