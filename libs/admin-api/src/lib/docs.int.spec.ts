import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { loadSettings } from '@dirsync/pipeline';
import { AdminAppModule, configureAdminApi } from './admin-app.module';

/** Debian's chromium (`apt-get install -y chromium`); without it this test fails, it does not skip. */
const CHROMIUM = '/usr/bin/chromium';

/** Every endpoint of the HTTP app: the docs must list each, and nothing else. */
const ENDPOINTS = [
  'POST /api/imports',
  'GET /api/imports',
  'GET /api/imports/{id}',
  'POST /api/imports/{id}/approve',
  'POST /api/imports/{id}/reject',
  'POST /api/imports/{id}/revert',
  'GET /api/imports/{id}/results',
  'GET /api/imports/{id}/results.csv',
  'GET /api/imports/{id}/changes',
  'GET /api/imports/{id}/changes.csv',
  'GET /api/users',
  'GET /api/users/{id}',
  'DELETE /api/users/{id}',
  'GET /api/users/{id}/history',
  'GET /api/catalog',
  'GET /api/samples/{name}',
  'POST /api/admin/replay',
  'GET /api/health',
  'GET /api/health/live',
  'GET /api/health/ready',
  'GET /api/metrics',
  'POST /api/sources',
  'GET /api/sources',
  'POST /api/sources/check',
  'GET /api/sources/{id}',
  'PATCH /api/sources/{id}',
  'DELETE /api/sources/{id}',
  'POST /api/sources/{id}/check',
  'POST /api/sources/{id}/run',
  'GET /api/sources/{id}/runs',
].sort();

jest.setTimeout(90_000);

/** The OpenAPI document, and the Swagger UI at /api/docs in a real headless chromium. */
describe('OpenAPI at /api/docs', () => {
  let app: INestApplication;
  let dataDir: string;
  let origin: string;
  let browser: BrowserContext | undefined;
  let profile: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'etl-docs-'));
    profile = mkdtempSync(join(tmpdir(), 'etl-docs-chromium-'));
    const settings = loadSettings({ ETL_DATA_DIR: dataDir, ETL_ADMIN_TOKEN: 'docs-admin-token-0123456789' });
    app = configureAdminApi(await NestFactory.create(AdminAppModule.forRoot({ settings, stages: { transformation: false, loading: false, projections: true } }), { logger: false }));
    await app.listen(0, '127.0.0.1');
    origin = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  });

  it('describes every endpoint, its parameters, the bearer scheme and the multipart upload in /api/docs-json', async () => {
    const response = await fetch(`${origin}/api/docs-json`);
    expect(response.status).toBe(200);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const document: any = await response.json();
    const listed = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item as object).map((method) => `${method.toUpperCase()} ${path}`));
    expect(listed.sort()).toEqual(ENDPOINTS);

    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/api/health'].get.security).toEqual([]);
    const upload = document.paths['/api/imports'].post;
    expect(Object.keys(upload.requestBody.content)).toEqual(['multipart/form-data']);
    expect(JSON.stringify(upload.requestBody.content['multipart/form-data'].schema)).toContain('"format":"binary"');
    expect(Object.keys(upload.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '403', '413', '422', '429']));
    expect(upload.responses['413'].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/ProblemDto' });
    expect(document.components.schemas.UploadOptionsDto.properties.matchBy.enum).toEqual(['identifier', 'email', 'username']);
    expect(Object.keys(document.components.schemas.CreateSourceDto.properties)).toEqual(expect.arrayContaining(['name', 'host', 'tls', 'user', 'password', 'remotePath', 'schedule']));
    expect(document.components.schemas.CreateSourceDto.properties.password.writeOnly).toBe(true);
    const users = document.paths['/api/users'].get.parameters.map((p: { name: string; in: string; required?: boolean }) => [p.name, p.in, p.required ?? false]);
    expect(users).toEqual(expect.arrayContaining([['status', 'query', false], ['search', 'query', false], ['asOf', 'query', false], ['limit', 'query', false]]));
    expect(document.paths['/api/users/{id}'].get.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path', required: true })]);
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item as Record<string, { summary?: string; tags?: string[] }>)) {
        expect([method, path, typeof operation.summary, operation.tags?.length]).toEqual([method, path, 'string', 1]);
      }
    }
  });

  it('shows every endpoint in the Swagger UI, in a real headless chromium', async () => {
    expect(existsSync(CHROMIUM)).toBe(true); // apt-get install -y chromium
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(request.url()));
    const response = await page.goto(`${origin}/api/docs`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    await page.waitForSelector('.opblock .opblock-summary-path', { timeout: 30_000 });
    await page.waitForFunction(`document.querySelectorAll('.opblock').length >= ${ENDPOINTS.length}`, undefined, { timeout: 30_000 });
    const shown = await page.$$eval('.opblock', (blocks) =>
      blocks.map((block) => {
        const method = block.querySelector('.opblock-summary-method')?.textContent?.trim() ?? '';
        const pathElement = block.querySelector('.opblock-summary-path');
        const path = pathElement?.getAttribute('data-path') ?? pathElement?.textContent?.replace(/\u200b/g, '').trim() ?? '';
        return `${method.toUpperCase()} ${path}`;
      }),
    );
    expect([...new Set(shown)].sort()).toEqual(ENDPOINTS);
    expect(await page.locator('.btn.authorize').count()).toBe(1); // the bearer scheme
    expect(await page.title()).toBe('dirsync admin API');
    expect(failed).toEqual([]);
  });
});
