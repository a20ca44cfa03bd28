import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import { ApiAcceptedResponse, ApiBody, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags, ApiCreatedResponse } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import { LongRunning, pageQuery, WaitQuery } from '@dirsync/api-common';
import { SourcesService } from '../sources.service';
import { CreateSourceDto, FtpEndpointDto, UpdateSourceDto } from './source.dto';

/**
 * FTP/FTPS sources under /api/sources. The password is write-only. Validation is set here too,
 * not only by the app, so unknown fields are refused even where no global pipe is configured.
 */
const ID = () => ApiParam({ name: 'id', format: 'uuid', description: 'the source id' });
const MISSING = () => ApiNotFoundResponse({ description: 'no such source (problem+json)' });

/** `:id` of a source: anything but a UUID answers 400 naming `id`, through the validation pipe like every other parameter. */
class SourceIdParam {
  @IsUUID(undefined, { message: 'id must be a source id (a UUID)' })
  id!: string;
}

/** GET /api/sources/:id/runs: the same paging rules as the admin API's listings. */
class RunsPageQuery extends pageQuery(50, 500) {}

@ApiTags('sources')
@Controller('sources')
@UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }))
export class SourcesController {
  constructor(private readonly sources: SourcesService) {}

  @Post()
  @ApiOperation({ summary: 'Create an FTP/FTPS source (admin); the password is write-only' })
  @ApiBody({ type: CreateSourceDto })
  @ApiCreatedResponse({ description: 'the source, without its password (hasPassword)' })
  create(@Body() dto: CreateSourceDto) {
    return this.sources.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'List the sources' })
  @ApiOkResponse({ description: 'the sources, without passwords' })
  list() {
    return this.sources.list();
  }

  /**
   * Check an unsaved configuration (same fields as a source); nothing is stored. Exempt from the
   * request timeout, as the saved source's check: its steps, each within the FTP timeout, may
   * together take longer, and the answer is the only place its result shows.
   */
  @Post('check')
  @LongRunning()
  @ApiOperation({ summary: 'Check an unsaved configuration (admin): connectivity, TLS, login, file' })
  @ApiBody({ type: FtpEndpointDto })
  @ApiOkResponse({ description: 'one result per step: connect, tls, login, file (size, modified time)' })
  @HttpCode(200)
  checkUnsaved(@Body() dto: FtpEndpointDto) {
    return this.sources.checkUnsaved(dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One source' })
  @ID()
  @ApiOkResponse({ description: 'the source, without its password' })
  @MISSING()
  get(@Param() { id }: SourceIdParam) {
    return this.sources.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a source (admin); absent fields are kept, null clears caCertificate or schedule' })
  @ID()
  @ApiBody({ type: UpdateSourceDto })
  @ApiOkResponse({ description: 'the source' })
  @MISSING()
  update(@Param() { id }: SourceIdParam, @Body() dto: UpdateSourceDto) {
    return this.sources.update(id, dto);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a source (admin)' })
  @ID()
  @ApiNoContentResponse({ description: 'deleted' })
  @MISSING()
  @HttpCode(204)
  remove(@Param() { id }: SourceIdParam) {
    return this.sources.remove(id);
  }

  /** Exempt from the request timeout: a 503 would hide a result that is still recorded once the check ends. */
  @Post(':id/check')
  @LongRunning()
  @ApiOperation({ summary: 'Check a saved source (admin)' })
  @ID()
  @ApiOkResponse({ description: 'one result per step: connect, tls, login, file' })
  @MISSING()
  @HttpCode(200)
  check(@Param() { id }: SourceIdParam) {
    return this.sources.check(id);
  }

  /** Starts a run now (202, or the running one); `?wait=true` answers once it finished. */
  @Post(':id/run')
  @ApiOperation({ summary: 'Run a source now (admin): fetch its file and import it' })
  @ID()
  @ApiQuery({ name: 'wait', required: false, enum: ['true', 'false'], description: 'true: answer once the run finished (exempt from the request timeout)' })
  @ApiAcceptedResponse({ description: 'the run (or the one already running)' })
  @MISSING()
  @HttpCode(202)
  run(@Param() { id }: SourceIdParam, @Query() { wait }: WaitQuery) {
    return this.sources.run(id, wait);
  }

  @Get(':id/runs')
  @ApiOperation({ summary: "A source's runs, newest first (paged)" })
  @ID()
  @ApiQuery({ name: 'offset', required: false, type: Number, description: 'runs to skip (default 0)' })
  @ApiQuery({ name: 'limit', required: false, type: Number, description: 'page size (default 50, at most 500)' })
  @ApiOkResponse({ description: '{ total, offset, limit, items: runs }' })
  @MISSING()
  runs(@Param() { id }: SourceIdParam, @Query() { offset, limit }: RunsPageQuery) {
    return this.sources.runs(id, offset, limit);
  }
}
