import { ConflictException, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { LongRunning } from '@dirsync/api-common';
import { ProjectionRunner, READ_MODEL_DB, RebuildInProgressError, replayAndCompare, type ReadModelDb, type ReplayReport } from '@dirsync/projections';

@ApiTags('operations')
@Controller('admin')
export class AdminController {
  constructor(
    private readonly projections: ProjectionRunner,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
  ) {}

  /** Rebuilds every read model from the log: the number of events, and each read model's checksum before and after. */
  @Post('replay')
  @HttpCode(200)
  @LongRunning()
  @ApiOperation({ summary: 'Rebuild every read model from the log (admin)' })
  @ApiOkResponse({ description: '{ events, identical, before, after }: checksums of each read model' })
  @ApiConflictResponse({ description: 'another rebuild of the read models is running (here or in another process)' })
  async replay(): Promise<ReplayReport> {
    try {
      return await replayAndCompare(this.projections, this.db);
    } catch (error) {
      if (error instanceof RebuildInProgressError) throw new ConflictException(error.message);
      throw error;
    }
  }
}
