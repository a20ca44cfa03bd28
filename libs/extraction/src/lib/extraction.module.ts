import { Module, type DynamicModule } from '@nestjs/common';
import { EXTRACTION_OPTIONS, type ExtractionOptions } from './extraction.options';
import { RequestImportService } from './request-import/request-import.service';

/** Extraction stage: turns a received file into a requested import. */
@Module({})
export class ExtractionModule {
  static forRoot(options: ExtractionOptions): DynamicModule {
    return {
      module: ExtractionModule,
      providers: [{ provide: EXTRACTION_OPTIONS, useValue: options }, RequestImportService],
      exports: [RequestImportService],
    };
  }
}
