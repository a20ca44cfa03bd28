import {
  Body,
  Controller,
  DefaultValuePipe,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import { SourcesService } from '../sources.service';
import { CreateSourceDto, FtpEndpointDto, UpdateSourceDto } from './source.dto';

/**
 * FTP/FTPS sources under /api/sources. The password is write-only. Validation is set here too,
 * not only by the app, so unknown fields are refused even where no global pipe is configured.
 */
@Controller('sources')
@UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }))
export class SourcesController {
  constructor(private readonly sources: SourcesService) {}

  @Post()
  create(@Body() dto: CreateSourceDto) {
    return this.sources.create(dto);
  }

  @Get()
  list() {
    return this.sources.list();
  }

  /** Check an unsaved configuration (same fields as a source); nothing is stored. */
  @Post('check')
  @HttpCode(200)
  checkUnsaved(@Body() dto: FtpEndpointDto) {
    return this.sources.checkUnsaved(dto);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string) {
    return this.sources.get(id);
  }

  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateSourceDto) {
    return this.sources.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  remove(@Param('id', ParseUUIDPipe) id: string) {
    return this.sources.remove(id);
  }

  @Post(':id/check')
  @HttpCode(200)
  check(@Param('id', ParseUUIDPipe) id: string) {
    return this.sources.check(id);
  }

  /** Starts a run now (202, or the running one); `?wait=true` answers once it finished. */
  @Post(':id/run')
  @HttpCode(202)
  run(@Param('id', ParseUUIDPipe) id: string, @Query('wait') wait?: string) {
    return this.sources.run(id, wait === 'true');
  }

  @Get(':id/runs')
  runs(
    @Param('id', ParseUUIDPipe) id: string,
    @Query('offset', new DefaultValuePipe(0), ParseIntPipe) offset: number,
    @Query('limit', new DefaultValuePipe(50), ParseIntPipe) limit: number,
  ) {
    return this.sources.runs(id, Math.max(0, offset), Math.min(Math.max(1, limit), 500));
  }
}
