import { Module, type DynamicModule } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadSettings, PipelineModule } from '@dirsync/pipeline';
import { SourcesModule } from '../sources.module';
import type { SourcesModuleOptions } from '../sources.options';

/** The FTP account the suites create on their vsftpd. */
export const FTP_USER = 'dirsyncftp';
export const FTP_PASSWORD = 'S3cret-ftp-pass';

/** The repository's CSV sample, the file the suites serve over FTP. */
export const SAMPLE_CSV = readFileSync(resolve(__dirname, '../../../../../samples/users.csv'));

@Module({})
class SourcesTestAppModule {}

/**
 * What the FTP suites boot: the pipeline (transformation and loading, no live projections) and the
 * sources module on the data dir, with short FTP timeouts and settle time.
 */
export function sourcesTestApp(dataDir: string, options: Partial<SourcesModuleOptions> = {}): DynamicModule {
  return {
    module: SourcesTestAppModule,
    imports: [
      PipelineModule.forRoot({ settings: loadSettings({ ETL_DATA_DIR: dataDir }), stages: { transformation: true, loading: true, projections: false } }),
      SourcesModule.forRoot({ dataDir, env: {}, ftpTimeoutMs: 5000, settleMs: 100, ...options }),
    ],
  };
}
