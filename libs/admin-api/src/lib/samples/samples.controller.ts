import { Controller, Get, NotFoundException, Param, StreamableFile } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { createReadStream, existsSync } from 'node:fs';
import { ProblemDto } from '../openapi/problem.dto';
import { dirname, join } from 'node:path';

const SAMPLES: Record<string, string> = {
  'users.csv': 'text/csv; charset=utf-8',
  'users.xml': 'application/xml; charset=utf-8',
};

/**
 * The repository's samples/ folder, which documents both formats: the nearest above this module
 * that holds the samples, whether it runs from the sources or from their compiled copy in dist/.
 * (This module's own folder is named samples too, hence the look for a sample file.)
 */
const SAMPLES_DIR = folderAbove(__dirname, 'samples', Object.keys(SAMPLES)[0]);

function folderAbove(start: string, name: string, holding: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, name, holding))) return join(dir, name);
    if (dirname(dir) === dir) throw new Error(`no ${name} folder with ${holding} above ${start}`);
  }
}

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
