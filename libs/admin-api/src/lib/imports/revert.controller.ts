import { ConflictException, Controller, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { RevertError, RevertImportService } from '@dirsync/loading';
import { ImportReportReadModel, ProjectionRunner, type ImportSummary } from '@dirsync/projections';
import { Actor } from '../auth/actor.decorator';
import { LongRunning } from '@dirsync/api-common';

@Controller('imports')
export class RevertController {
  constructor(
    private readonly reverts: RevertImportService,
    private readonly projections: ProjectionRunner,
    private readonly reports: ImportReportReadModel,
  ) {}

  /**
   * Reverts an applied import with compensating events; answers the revert's own report (an import
   * of format "revert"): each user restored, and each field a later event changed, left alone as a conflict.
   */
  @Post(':id/revert')
  @LongRunning()
  @HttpCode(200)
  async revert(@Param('id') id: string, @Actor() actor: string): Promise<ImportSummary> {
    let revertId: string;
    try {
      revertId = await this.reverts.revert(id, actor);
    } catch (error) {
      if (error instanceof RevertError) throw error.kind === 'not-found' ? new NotFoundException(error.message) : new ConflictException(error.message);
      throw error;
    }
    await this.projections.catchUp();
    const summary = this.reports.get(revertId);
    if (!summary) throw new Error(`revert ${revertId} finished but its report is missing`);
    return summary;
  }
}
