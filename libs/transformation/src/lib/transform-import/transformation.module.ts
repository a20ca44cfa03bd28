import { Module } from '@nestjs/common';
import { TransformImportService } from './transform-import.service';

/** Transformation stage. Needs the event store and blob store modules (global) in the app. */
@Module({
  providers: [TransformImportService],
  exports: [TransformImportService],
})
export class TransformationModule {}
