import { Module } from '@nestjs/common';
import { DeleteUserService } from './delete-user/delete-user.service';
import { LoadingService } from './loading.service';

/** Loading stage. Needs the event store, blob store and projections modules (global) in the app. */
@Module({
  providers: [LoadingService, DeleteUserService],
  exports: [LoadingService, DeleteUserService],
})
export class LoadingModule {}
