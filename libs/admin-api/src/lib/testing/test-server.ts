import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '@dirsync/pipeline';
import { AdminAppModule, configureAdminApi } from '../admin-app.module';

export interface TestServer {
  app: INestApplication;
  dataDir: string;
  /** `http://127.0.0.1:<port>/api` */
  base: string;
  stop(): Promise<void>;
}

/** The composed server (every stage, the projections, the API) on a random loopback port and a fresh data dir. */
export async function startTestServer(env: Record<string, string>): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'etl-api-'));
  const settings = loadSettings({ ETL_DATA_DIR: dataDir, ...env });
  const app = configureAdminApi(
    await NestFactory.create(AdminAppModule.forRoot({ settings, stages: { transformation: true, loading: true, projections: true } }), { logger: false }),
  );
  await app.listen(0, '127.0.0.1');
  const base = `${await app.getUrl()}/api`.replace('[::1]', '127.0.0.1');
  return {
    app,
    dataDir,
    base,
    stop: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
