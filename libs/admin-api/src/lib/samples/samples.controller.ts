import { Controller, Get, NotFoundException, Param, StreamableFile } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { createReadStream } from 'node:fs';
import { ProblemDto } from '../openapi/problem.dto';
import { join } from 'node:path';

/** The repository's samples/ folder, which documents both formats. */
const SAMPLES_DIR = join(__dirname, '..', '..', '..', '..', '..', 'samples');

const SAMPLES: Record<string, string> = {
  'users.csv': 'text/csv; charset=utf-8',
  'users.xml': 'application/xml; charset=utf-8',
};

/** "Download sample": a file in the proper import format, for each format. */
@ApiTags('samples')
@Controller('samples')
export class SamplesController {
  @Get(':name')
  @ApiOperation({ summary: 'Download a sample file in the import format' })
  @ApiParam({ name: 'name', enum: Object.keys(SAMPLES) })
  @ApiProduces('text/csv', 'application/xml')
  @ApiOkResponse({ description: 'the sample file', schema: { type: 'string' } })
  @ApiNotFoundResponse({ type: ProblemDto, description: 'no such sample' })
  sample(@Param('name') name: string): StreamableFile {
    const type = SAMPLES[name];
    if (!type) throw new NotFoundException(`no sample named ${name}; there are ${Object.keys(SAMPLES).join(' and ')}`);
    return new StreamableFile(createReadStream(join(SAMPLES_DIR, name)), { type, disposition: `attachment; filename="${name}"` });
  }
}
