import { Module } from '@nestjs/common';
import { LoadingService } from './loading.service';

/** Loading stage. Needs the event store, blob store and projections modules (global) in the app. */
@Module({
  providers: [LoadingService],
  exports: [LoadingService],
})
export class LoadingModule {}
