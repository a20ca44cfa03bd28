import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ProjectionRunner, READ_MODEL_DB, replayAndCompare, type ReadModelDb, type ReplayReport } from '@dirsync/projections';

@Controller('admin')
export class AdminController {
  constructor(
    private readonly projections: ProjectionRunner,
    @Inject(READ_MODEL_DB) private readonly db: ReadModelDb,
  ) {}

  /** Rebuilds every read model from the log: the number of events, and each read model's checksum before and after. */
  @Post('replay')
  @HttpCode(200)
  replay(): Promise<ReplayReport> {
    return replayAndCompare(this.projections, this.db);
  }
}
