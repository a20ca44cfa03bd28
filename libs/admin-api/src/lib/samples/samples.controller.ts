import { Controller, Get, NotFoundException, Param, StreamableFile } from '@nestjs/common';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';

/** The repository's samples/ folder, which documents both formats. */
const SAMPLES_DIR = join(__dirname, '..', '..', '..', '..', '..', 'samples');

const SAMPLES: Record<string, string> = {
  'users.csv': 'text/csv; charset=utf-8',
  'users.xml': 'application/xml; charset=utf-8',
};

/** "Download sample": a file in the proper import format, for each format. */
@Controller('samples')
export class SamplesController {
  @Get(':name')
  sample(@Param('name') name: string): StreamableFile {
    const type = SAMPLES[name];
    if (!type) throw new NotFoundException(`no sample named ${name}; there are ${Object.keys(SAMPLES).join(' and ')}`);
    return new StreamableFile(createReadStream(join(SAMPLES_DIR, name)), { type, disposition: `attachment; filename="${name}"` });
  }
}
