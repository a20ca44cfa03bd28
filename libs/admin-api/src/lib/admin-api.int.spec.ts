import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadSettings } from '@dirsync/pipeline';
import { AdminAppModule, configureAdminApi } from './admin-app.module';

const sample = resolve(__dirname, '../../../../samples/users.csv');

// Response bodies are checked field by field below; their static type adds nothing here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const json = async (response: Response | Promise<Response>): Promise<Json> => (await response).json();

/** The composed server on a random loopback port, with real HTTP requests. */
describe('admin REST API', () => {
  let app: INestApplication;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'etl-api-'));
    const settings = loadSettings({ ETL_DATA_DIR: dataDir });
    app = configureAdminApi(
      await NestFactory.create(AdminAppModule.forRoot({ settings, stages: { transformation: true, loading: true, projections: true } }), { logger: false }),
    );
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/api`.replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function upload(content: Buffer | string, fields: Record<string, string> = {}, query = '?wait=true') {
    const form = new FormData();
    form.append('file', new Blob([content]), 'users.csv');
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    return fetch(`${base}/imports${query}`, { method: 'POST', body: form });
  }

  it('reports health publicly', async () => {
    const response = await fetch(`${base}/health`);
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ status: 'ok', eventStore: { status: 'up' } });
  });

  it('imports an uploaded file with the same outcome as the CLI, then serves its report and users', async () => {
    const response = await upload(readFileSync(sample));
    expect(response.status).toBe(202);
    const summary = await json(response);
    expect(summary).toMatchObject({ status: 'completed', fileName: 'users.csv', counts: { created: 7, rejected: 0 } });
    expect(readdirSync(join(dataDir, 'uploads'))).toEqual([]); // the temporary upload is gone

    const status = await json(fetch(`${base}/imports/${summary.id}`));
    expect(status).toMatchObject({ id: summary.id, status: 'completed' });

    const results = await json(fetch(`${base}/imports/${summary.id}/results?limit=3`));
    expect(results.total).toBe(7);
    expect(results.items).toHaveLength(3);
    expect(results.items[0]).toMatchObject({ row: 2, outcome: 'created' });

    const csv = await fetch(`${base}/imports/${summary.id}/results.csv`);
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect((await csv.text()).split('\n')[0]).toBe('row,identifier,email,outcome,reasons,warnings,user_id');

    const engineers = await json(fetch(`${base}/users?search=ENGINEER&limit=10`));
    expect(engineers.total).toBe(0); // search covers keys and names, not titles
    const research = await json(fetch(`${base}/users?search=turing`));
    expect(research.items.map((u: { identifier: string }) => u.identifier)).toEqual(['alan.turing@example.com']);
    const inactive = await json(fetch(`${base}/users?status=Inactive`));
    expect(inactive.items.map((u: { identifier: string }) => u.identifier)).toEqual(['marie.curie@example.com']);
    const page = await json(fetch(`${base}/users?offset=5&limit=5`));
    expect(page).toMatchObject({ total: 7, offset: 5, limit: 5 });
    expect(page.items).toHaveLength(2);

    const alan = research.items[0];
    expect(await json(fetch(`${base}/users/${alan.id}`))).toMatchObject({ id: alan.id, lastName: 'Turing' });

    const again = await json(upload(readFileSync(sample).toString().replace('Researcher', 'Codebreaker')));
    expect(again.counts).toMatchObject({ updated: 1, skipped: 6 });
    const history = await json(fetch(`${base}/users/${alan.id}/history`));
    expect(history.events.map((e: { type: string }) => e.type)).toEqual(['UserCreated', 'UserUpdated']);
    expect(history.events[1].data.changes).toEqual({ title: { from: 'Researcher', to: 'Codebreaker' } });
  });

  it('answers 202 with the import id at once without ?wait', async () => {
    const response = await upload(readFileSync(sample), {}, '');
    expect(response.status).toBe(202);
    expect(await json(response)).toMatchObject({ importId: expect.any(String), status: 'requested' });
  });

  it('takes options as form fields and refuses unknown ones', async () => {
    const dry = await json(upload(readFileSync(sample).toString().replace('Chief Engineer', 'Countess'), { dryRun: 'true' }));
    expect(dry).toMatchObject({ status: 'completed', dryRun: true, counts: { updated: 1 } });
    const users = await json(fetch(`${base}/users?search=lovelace`));
    expect(users.items[0].title).toBe('Chief Engineer'); // a dry run changes nothing

    expect((await upload(readFileSync(sample), { colour: 'blue' })).status).toBe(400);
    expect((await upload(readFileSync(sample), { matchBy: 'shoe-size' })).status).toBe(400);
  });

  it('answers 400 without a file and 404 for unknown ids', async () => {
    expect((await fetch(`${base}/imports`, { method: 'POST', body: new FormData() })).status).toBe(400);
    expect((await fetch(`${base}/imports/nope`)).status).toBe(404);
    expect((await fetch(`${base}/users/nope`)).status).toBe(404);
    expect((await fetch(`${base}/users/nope/history`)).status).toBe(404);
  });
});
