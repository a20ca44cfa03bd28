import type { INestApplication } from '@nestjs/common';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TokenService } from '@dirsync/auth';
import { lockExclusively } from '@dirsync/event-store/sqlite';
import { rebuildLockFile } from '@dirsync/projections';
import { startTestServer, type TestServer } from './testing/test-server';

const sample = resolve(__dirname, '../../../../samples/users.csv');

// Response bodies are checked field by field below; their static type adds nothing here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;
const json = async (response: Response | Promise<Response>): Promise<Json> => (await response).json();

/** Every endpoint but health needs a token: the tests' apps seed this one as ETL_ADMIN_TOKEN (in their settings). */
const ADMIN_TOKEN = 'test-admin-token-0123456789';
const fetch = (input: string, init: RequestInit = {}) =>
  globalThis.fetch(input, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(init.headers as Record<string, string>) } });

/** The composed server on a random loopback port, with real HTTP requests. */
describe('admin REST API', () => {
  let server: TestServer;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    server = await startTestServer({ ETL_ADMIN_TOKEN: ADMIN_TOKEN });
    ({ dataDir, base } = server);
  });
  afterAll(() => server.stop());

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
    // A created user's fields come from the import's plan, not from its row result.
    expect(results.items[0].changes).toMatchObject({
      identifier: { to: 'ada.lovelace@example.com' },
      username: { to: 'ada' },
      title: { to: 'Chief Engineer' },
      status: { to: 'Active' },
    });
    expect(results.items[0].changes.title.from).toBeUndefined();
    const changes = await json(fetch(`${base}/imports/${summary.id}/changes?limit=7`));
    expect(changes.total).toBe(7);
    for (const item of changes.items) expect(item).toMatchObject({ outcome: 'created', changes: { email: { to: item.email } } });
    const changesCsv = (await (await fetch(`${base}/imports/${summary.id}/changes.csv`)).text()).split('\n');
    expect(changesCsv).toContain(`2,ada.lovelace@example.com,${results.items[0].userId},created,title,,Chief Engineer`);

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
    expect((await upload(readFileSync(sample), { mapping: '{not json' })).status).toBe(400);
    // Refused by the validation pipe, before the handler: FileInterceptor removes the stored
    // uploads once each response is closed, so the folder empties shortly after.
    const uploads = join(dataDir, 'uploads');
    for (const deadline = Date.now() + 5_000; readdirSync(uploads).length > 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(readdirSync(uploads)).toEqual([]);
  });

  it('answers 400 without a file and 404 for unknown ids', async () => {
    expect((await fetch(`${base}/imports`, { method: 'POST', body: new FormData() })).status).toBe(400);
    expect((await fetch(`${base}/imports/nope`)).status).toBe(404);
    expect((await fetch(`${base}/users/nope`)).status).toBe(404);
    expect((await fetch(`${base}/users/nope/history`)).status).toBe(404);
  });
});

describe('admin REST API: rules, safety and audit endpoints', () => {
  let server: TestServer;
  let base: string;

  beforeAll(async () => {
    server = await startTestServer({ ETL_ADMIN_TOKEN: ADMIN_TOKEN, ETL_GUARD_MAX_DISABLES: '2' });
    ({ base } = server);
  });
  afterAll(() => server.stop());

  function upload(content: Buffer | string, name: string, fields: Record<string, string> = {}) {
    const form = new FormData();
    form.append('file', new Blob([content]), name);
    for (const [field, value] of Object.entries(fields)) form.append(field, value);
    return fetch(`${base}/imports?wait=true`, { method: 'POST', body: form });
  }
  const post = (path: string, body?: object) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });

  it('serves both samples for download, and the XML sample defines the catalog', async () => {
    const csv = await fetch(`${base}/samples/users.csv`);
    expect(csv.headers.get('content-disposition')).toContain('users.csv');
    expect(await csv.text()).toBe(readFileSync(resolve(__dirname, '../../../../samples/users.csv'), 'utf8'));
    const xml = await fetch(`${base}/samples/users.xml`);
    expect(xml.headers.get('content-type')).toMatch(/xml/);
    expect((await fetch(`${base}/samples/passwd`)).status).toBe(404);

    const imported = await json(upload(Buffer.from(await xml.arrayBuffer()), 'users.xml'));
    expect(imported).toMatchObject({ status: 'completed', format: 'xml', counts: { created: 7, rejected: 0 } });
    const catalog = await json(fetch(`${base}/catalog`));
    expect(catalog.securityRoles.map((r: { name: string }) => r.name)).toEqual(['Admin', 'Reader']);
    expect(catalog.genericProperties.map((r: { name: string }) => r.name)).toEqual(['CostCenter']);
  });

  it('takes every option as a form field', async () => {
    const file = 'UserIdentifier;UPN;Status\nnew1;new1;Active\n';
    const imported = await json(upload(file, 'draft.csv', { createDraft: 'true', domain: 'corp.example', delimiter: 'semicolon', defaultLanguage: 'fr' }));
    expect(imported).toMatchObject({ status: 'completed', counts: { created: 1 } });
    const user = (await json(fetch(`${base}/users?search=new1`))).items[0];
    expect(user).toMatchObject({ identifier: 'new1@corp.example', status: 'Draft', language: 'fr' });
    expect((await upload(file, 'x.csv', { activateDeleted: 'true', createDraft: 'true' })).status).toBe(400);
  });

  it('deletes a user; an upload restores it only with activateDeleted', async () => {
    const alan = (await json(fetch(`${base}/users?search=turing`))).items[0];
    const deleted = await fetch(`${base}/users/${alan.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await json(deleted)).toMatchObject({ id: alan.id, deleted: true });
    expect((await json(fetch(`${base}/users?search=turing`))).total).toBe(0);
    expect((await json(fetch(`${base}/users?search=turing&includeDeleted=true`))).total).toBe(1);
    const row = 'UserIdentifier,UPN\nalan.turing@example.com,alan.turing@example.com\n';
    expect((await json(upload(row, 'a.csv'))).counts).toMatchObject({ skipped: 1 });
    expect((await json(upload(row, 'b.csv', { activateDeleted: 'true' }))).counts).toMatchObject({ reactivated: 1 });
    expect((await fetch(`${base}/users/nope`, { method: 'DELETE' })).status).toBe(404);
  });

  it('holds a mass disable for approval, serves its planned changes, and applies it on approval', async () => {
    const held = await json(upload('UserIdentifier,UPN\nada.lovelace@example.com,ada.lovelace@example.com\n', 'short.csv', { disableMissing: 'true' }));
    expect(held).toMatchObject({ status: 'awaiting-approval', decision: { reasons: [expect.stringMatching(/would disable \d+ users, more than 2/)] } });

    const changes = await json(fetch(`${base}/imports/${held.id}/changes?limit=2`));
    expect(changes).toMatchObject({ status: 'awaiting-approval', applied: false, limit: 2 });
    expect(changes.total).toBeGreaterThan(2);
    expect(changes.items[0].changes).toEqual({ status: { from: 'Active', to: 'Inactive' } });
    const csv = (await (await fetch(`${base}/imports/${held.id}/changes.csv`)).text()).trim().split('\n');
    expect(csv[0]).toBe('row,identifier,user_id,outcome,field,from,to');
    expect(csv[1]).toMatch(/,disabled,status,Active,Inactive$/);

    const approved = await post(`/imports/${held.id}/approve`);
    expect(approved.status).toBe(200);
    expect(await json(approved)).toMatchObject({ status: 'completed', decision: { approvedBy: expect.stringMatching(/^api:ETL_ADMIN_TOKEN \(token [^)]+\)$/) } });
    expect((await json(fetch(`${base}/users?status=Active`))).items.map((u: { identifier: string }) => u.identifier)).toEqual(['ada.lovelace@example.com']);
    expect((await post(`/imports/${held.id}/approve`)).status).toBe(409);
    expect((await post('/imports/nope/reject')).status).toBe(404);
  });

  it('rejects a held import with a reason', async () => {
    const restore = 'UserIdentifier,UPN,Status\n' + ['grace.hopper', 'alan.turing', 'jose.garcia', 'marie.curie'].map((u) => `${u}@example.com,${u}@example.com,Active`).join('\n');
    await upload(restore, 'restore.csv');
    const held = await json(upload('UserIdentifier,UPN\nada.lovelace@example.com,ada.lovelace@example.com\n', 'short.csv', { disableMissing: 'true' }));
    const rejected = await json(post(`/imports/${held.id}/reject`, { reason: 'wrong file' }));
    expect(rejected).toMatchObject({ status: 'rejected', decision: { rejectedBy: expect.stringMatching(/^api:ETL_ADMIN_TOKEN \(token [^)]+\)$/), reason: 'wrong file' } });
  });

  it('replays and answers the directory as of an import', async () => {
    const imports = await json(fetch(`${base}/imports?limit=100`));
    const firstId = imports.items[imports.items.length - 1].id;
    const asOf = await json(fetch(`${base}/users?asOf=${firstId}&limit=100`));
    expect(asOf.total).toBe(7);
    // As the XML sample left it: before the deletion, the drafts and the approved mass disable that followed.
    expect(asOf.items.map((u: { status: string }) => u.status).sort()).toEqual(['Active', 'Active', 'Active', 'Active', 'Active', 'Draft', 'Inactive']);
    expect(asOf.items.find((u: { identifier: string }) => u.identifier === 'alan.turing@example.com')).toMatchObject({ deleted: false, status: 'Active' });
    expect((await fetch(`${base}/users?asOf=nope`)).status).toBe(404);

    const created = await json(upload('UserIdentifier,UPN\nrevert.me@example.com,revert.me@example.com\n', 'one.csv'));
    const revert = await post(`/imports/${created.id}/revert`);
    expect(revert.status).toBe(200);
    expect(await json(revert)).toMatchObject({ format: 'revert', status: 'completed', counts: { disabled: 1 } });
    expect((await json(fetch(`${base}/users?search=revert.me`))).items[0].status).toBe('Inactive');
    expect((await post(`/imports/${created.id}/revert`)).status).toBe(409);

    const replay = await json(post('/admin/replay'));
    expect(replay).toMatchObject({ identical: true });
    expect(replay.after).toEqual(replay.before);

    // Another process rebuilding the same read models (an `etl replay`) holds their rebuild lock.
    const readModels = join(server.dataDir, 'readmodels.sqlite');
    const other = lockExclusively(rebuildLockFile(readModels));
    try {
      const refused = await post('/admin/replay');
      expect(refused.status).toBe(409);
      expect(await refused.json()).toMatchObject({ status: 409, detail: expect.stringContaining(`another rebuild of ${readModels} is running`) });
    } finally {
      other?.();
    }
    expect((await json(fetch(`${base}/users?search=revert.me`))).items[0].status).toBe('Inactive');
  });
});

describe('admin REST API: authentication, errors and limits', () => {
  let server: TestServer;
  let app: INestApplication;
  let dataDir: string;
  let base: string;

  beforeAll(async () => {
    server = await startTestServer({ ETL_ADMIN_TOKEN: ADMIN_TOKEN, ETL_MAX_UPLOAD_BYTES: '4096' });
    ({ app, dataDir, base } = server);
  });
  afterAll(() => server.stop());

  const as = (token: string | undefined, path: string, init: RequestInit = {}) =>
    globalThis.fetch(`${base}${path}`, { ...init, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('keeps health public and asks every other endpoint for a bearer token (401)', async () => {
    expect((await as(undefined, '/health')).status).toBe(200);
    for (const path of ['/users', '/imports', '/catalog', '/samples/users.csv', '/sources']) {
      const response = await as(undefined, path);
      expect([path, response.status]).toEqual([path, 401]);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await as('dsk_not-a-real-token', '/users')).status).toBe(401);
    expect((await as(undefined, '/admin/replay', { method: 'POST' })).status).toBe(401);
  });

  it('lets a viewer read but not change anything (403), and an admin do both', async () => {
    const tokens = app.get(TokenService);
    const viewer = (await tokens.create('viewer', 'dashboard')).token;
    const admin = (await tokens.create('admin', 'ops')).token;
    expect((await as(viewer, '/users')).status).toBe(200);
    expect((await as(viewer, '/admin/replay', { method: 'POST' })).status).toBe(403);
    expect((await as(viewer, '/imports', { method: 'POST' })).status).toBe(403);
    expect((await as(viewer, '/users/x', { method: 'DELETE' })).status).toBe(403);
    expect((await as(admin, '/admin/replay', { method: 'POST' })).status).toBe(200);
    expect((await as(ADMIN_TOKEN, '/users')).status).toBe(200); // seeded from ETL_ADMIN_TOKEN
  });

  it('answers errors as application/problem+json with a stable type', async () => {
    const unauthorized = await as(undefined, '/users');
    expect(unauthorized.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await unauthorized.json()).toEqual({
      type: 'https://dirsync.dev/problems/unauthorized',
      title: 'Unauthorized',
      status: 401,
      detail: 'a bearer token is required (Authorization: Bearer <token>)',
    });
    const missing = await as(ADMIN_TOKEN, '/imports/nope');
    expect(await missing.json()).toMatchObject({ type: 'https://dirsync.dev/problems/not-found', status: 404, detail: 'no import with id nope' });
    const invalid = await as(ADMIN_TOKEN, '/users?status=Sleeping');
    expect(await invalid.json()).toMatchObject({ type: 'https://dirsync.dev/problems/validation', status: 400 });
  });

  it('refuses an upload over ETL_MAX_UPLOAD_BYTES with 413 and leaves nothing on disk', async () => {
    const form = new FormData();
    form.append('file', new Blob([`UserIdentifier,UPN\n${'x,x\n'.repeat(2000)}`]), 'big.csv');
    const response = await globalThis.fetch(`${base}/imports?wait=true`, { method: 'POST', body: form, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ type: 'https://dirsync.dev/problems/payload-too-large', status: 413 });
    expect(readdirSync(join(dataDir, 'uploads'))).toEqual([]);
    expect(await json(as(ADMIN_TOKEN, '/imports'))).toMatchObject({ total: 0 });
  });
});
