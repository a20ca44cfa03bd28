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
  Post,
  Query,
  Res,
  UnprocessableEntityException,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiConsumes,
  ApiNotFoundResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiQuery,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
  ApiExtraModels,
  getSchemaPath,
} from '@nestjs/swagger';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Response } from 'express';
import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidImportOptionsError, RequestImportService } from '@dirsync/extraction';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { ImportLog } from '@dirsync/import-log';
import { ImportReportReadModel, ProjectionRunner, changesCsv, reportCsv, type ImportSummary } from '@dirsync/projections';

import { ImportDecisionError, ImportDecisionService } from '@dirsync/loading';
import { Actor } from '../auth/actor.decorator';
import { LongRunning, WaitQuery } from '@dirsync/api-common';
import { UploadThrottlerGuard } from '../limits/upload-throttler.guard';
import { ProblemDto } from '../openapi/problem.dto';
import { ImportsPageQuery, RowsPageQuery } from '../paging/page-query.dto';
import { RejectImportDto, UploadOptionsDto } from './upload-options.dto';

const ID = () => ApiParam({ name: 'id', description: 'the import id' });
const PAGE = (limit: number, maxLimit: number) => [
  ApiQuery({ name: 'offset', required: false, type: Number, description: 'rows to skip (default 0)' }),
  ApiQuery({ name: 'limit', required: false, type: Number, description: `page size (default ${limit}, at most ${maxLimit})` }),
];
const applyAll = (decorators: MethodDecorator[]): MethodDecorator => (target, key, descriptor) => {
  for (const decorator of decorators) decorator(target, key, descriptor);
};

@ApiTags('imports')
@ApiExtraModels(UploadOptionsDto)
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
  @UseGuards(UploadThrottlerGuard)
  @UseInterceptors(FileInterceptor('file'))
  @ApiOperation({
    summary: 'Upload a CSV or XML file to import (admin)',
    description:
      'multipart/form-data: the file in the field `file` (exactly one; at most ETL_MAX_UPLOAD_BYTES, streamed to disk) and the import options as fields. ' +
      'Answers 202 with the import id at once, or with `?wait=true` the finished import (exempt from the request timeout). An import the pipeline fails answers 422 with the row and field.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      allOf: [
        { $ref: getSchemaPath(UploadOptionsDto) },
        { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: 'the CSV or XML file (one per request)' } } },
      ],
    },
  })
  @ApiQuery({ name: 'wait', required: false, enum: ['true', 'false'], description: 'true: answer once the import settled' })
  @ApiAcceptedResponse({ description: 'without wait: { importId, status: "requested" }; with wait=true: the import summary' })
  @ApiPayloadTooLargeResponse({ description: 'the file is larger than ETL_MAX_UPLOAD_BYTES (nothing is kept)', type: ProblemDto })
  @ApiUnprocessableEntityResponse({ description: 'wait=true and the pipeline refused the file: problem import-failed with importId, row, field and errors', type: ProblemDto })
  @ApiTooManyRequestsResponse({ description: 'more than ETL_UPLOAD_RATE_LIMIT uploads in ETL_RATE_WINDOW_MS for this token', type: ProblemDto })
  async upload(
    @UploadedFile() file: Express.Multer.File | undefined,
    @Body() fields: UploadOptionsDto,
    @Actor() actor: string,
    @Query() { wait }: WaitQuery,
  ): Promise<ImportSummary | { importId: string; status: string }> {
    if (!file) throw new BadRequestException('a file is required in the multipart field "file"');
    try {
      const importId = await this.extraction.request({
        filePath: file.path,
        fileName: file.originalname,
        options: Object.assign(new UploadOptionsDto(), fields).toImportOptions(),
        source: { kind: 'upload' },
        requestedBy: actor,
      });
      if (!wait) return { importId, status: 'requested' };
      await this.log.waitUntilSettled(importId);
      const summary = await this.summary(importId);
      if (summary.status === 'failed') throw importFailed(summary);
      return summary;
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
  @LongRunning()
  @ApiOperation({ summary: 'Approve an import a guard held (admin); answers once it is applied' })
  @ID()
  @ApiOkResponse({ description: 'the import summary' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'no such import' })
  @ApiConflictResponse({ type: ProblemDto, description: 'the import is not awaiting approval' })
  async approve(@Param('id') id: string, @Actor() actor: string): Promise<ImportSummary> {
    await this.decide(() => this.decisions.approve(id, actor));
    await this.log.waitUntilSettled(id);
    return this.summary(id);
  }

  /** Discards a plan a guard stopped; nothing is applied. */
  @Post(':id/reject')
  @HttpCode(200)
  @LongRunning()
  @ApiOperation({ summary: 'Reject an import a guard held (admin), with an optional reason' })
  @ID()
  @ApiBody({ type: RejectImportDto, required: false })
  @ApiOkResponse({ description: 'the import summary' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'no such import' })
  @ApiConflictResponse({ type: ProblemDto, description: 'the import is not awaiting approval' })
  async reject(@Param('id') id: string, @Body() body: RejectImportDto, @Actor() actor: string): Promise<ImportSummary> {
    await this.decide(() => this.decisions.reject(id, actor, body.reason));
    await this.log.waitUntilSettled(id);
    return this.summary(id);
  }

  @Get()
  @ApiOperation({ summary: 'List imports, newest first' })
  @applyAll(PAGE(50, 1_000))
  @ApiOkResponse({ description: '{ total, items: import summaries }' })
  list(@Query() { offset, limit }: ImportsPageQuery) {
    return this.reports.list(offset, limit);
  }

  @Get(':id')
  @ApiOperation({ summary: "One import's status and summary" })
  @ID()
  @ApiOkResponse({ description: 'the import summary: status, counts, failure (stage, reason, problems with row and field), decision' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'no such import' })
  async get(@Param('id') id: string): Promise<ImportSummary> {
    return this.summary(id);
  }

  @Get(':id/results')
  @ApiOperation({ summary: 'Per-row results of an import (JSON, paged)' })
  @ID()
  @applyAll(PAGE(100, 10_000))
  @ApiOkResponse({ description: '{ importId, offset, limit, total, items: [{ row, key, email, userId, outcome, reasons, warnings, changes }] }' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'no such import' })
  async results(@Param('id') id: string, @Query() { offset, limit }: RowsPageQuery) {
    await this.summary(id);
    return { importId: id, offset, limit, ...this.reports.rows(id, offset, limit) };
  }

  @Get(':id/results.csv')
  @LongRunning()
  @ApiOperation({ summary: 'Per-row results of an import as CSV (streamed)' })
  @ID()
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'row,identifier,email,outcome,reasons,warnings,user_id', schema: { type: 'string' } })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'no such import' })
  async resultsCsv(@Param('id') id: string, @Res() response: Response): Promise<void> {
    await this.summary(id);
    await sendCsv(response, `import-${id}-results.csv`, reportCsv(this.reports.allResults(id)));
  }

  /** What the import changes (planned) or changed (applied): per user and field, before and after. Paged JSON. */
  @Get(':id/changes')
  @ApiOperation({ summary: 'What the import changes (planned) or changed (applied), per user and field (paged)' })
  @ID()
  @applyAll(PAGE(100, 10_000))
  @ApiOkResponse({ description: '{ importId, status, applied, offset, limit, total, items }' })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'no such import' })
  async changes(@Param('id') id: string, @Query() { offset, limit }: RowsPageQuery) {
    const summary = await this.summary(id);
    const applied = summary.status === 'completed' && !summary.dryRun;
    return { importId: id, status: summary.status, applied, offset, limit, ...this.reports.changes(id, offset, limit) };
  }

  /** The same changes as CSV, one line per changed field. */
  @Get(':id/changes.csv')
  @LongRunning()
  @ApiOperation({ summary: 'The same changes as CSV, one line per changed field (streamed)' })
  @ID()
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'row,identifier,user_id,outcome,field,from,to', schema: { type: 'string' } })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'no such import' })
  async changesCsv(@Param('id') id: string, @Res() response: Response): Promise<void> {
    await this.summary(id);
    await sendCsv(response, `import-${id}-changes.csv`, changesCsv(this.reports.allChanges(id)));
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

/**
 * Streams a CSV download at the pace the client reads it (the rows are read from the report as the
 * socket drains), and stops reading them when the client goes away.
 */
async function sendCsv(response: Response, fileName: string, csv: Readable): Promise<void> {
  response.setHeader('Content-Type', 'text/csv; charset=utf-8');
  response.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
  try {
    await pipeline(csv, response);
  } catch (error) {
    // A client that left is not an error of the server; the pipeline has closed the rows already.
    if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  }
}

/** A file the pipeline refused, surfaced as a problem: the stage's reason, and each problem's row and field. */
function importFailed(summary: ImportSummary): UnprocessableEntityException {
  const failure = summary.failure;
  const errors = (failure?.problems ?? []).map((p) => ({ detail: p.message, ...(p.row !== undefined ? { row: p.row } : {}), ...(p.field !== undefined ? { field: p.field } : {}) }));
  return new UnprocessableEntityException({
    message: failure?.reason ?? 'the import failed',
    importId: summary.id,
    stage: failure?.stage,
    errors,
  });
}
