import { Module, type DynamicModule } from '@nestjs/common';
import { DeleteUserService } from './delete-user/delete-user.service';
import { LoadingService } from './loading.service';
import { DEFAULT_LOADING_OPTIONS, LOADING_OPTIONS, type LoadingOptions } from './loading.options';
import { ImportDecisionService } from './approve-import/import-decision.service';
import { RevertImportService } from './revert-import/revert-import.service';

/** Loading stage. Needs the event store, blob store and projections modules (global) in the app. */
@Module({})
export class LoadingModule {
  static forRoot(options: LoadingOptions = DEFAULT_LOADING_OPTIONS): DynamicModule {
    return {
      module: LoadingModule,
      providers: [{ provide: LOADING_OPTIONS, useValue: options }, LoadingService, DeleteUserService, ImportDecisionService, RevertImportService],
      exports: [LoadingService, DeleteUserService, ImportDecisionService, RevertImportService],
    };
  }
}
