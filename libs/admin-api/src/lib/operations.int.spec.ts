import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenService } from '@dirsync/auth';
import { loadSettings } from '@dirsync/pipeline';
import { AdminAppModule, configureAdminApi } from './admin-app.module';
import { JsonLogger } from './observability/json-logger';

// Response bodies are checked field by field below; their static type adds nothing here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const ADMIN_TOKEN = 'ops-admin-token-0123456789';
const PROBLEM = /^application\/problem\+json/;

/** Limits, throttling, problem details, probes, metrics and structured logs, over real HTTP with small limits. */
describe('admin REST API: limits and operations', () => {
  let app: INestApplication;
  let dataDir: string;
  let base: string;
  const lines: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'etl-ops-'));
    const settings = loadSettings({
      ETL_DATA_DIR: dataDir,
      ETL_ADMIN_TOKEN: ADMIN_TOKEN,
      ETL_MAX_UPLOAD_BYTES: '2048',
      ETL_UPLOAD_RATE_LIMIT: '4',
      ETL_AUTH_FAILURE_LIMIT: '3',
      ETL_RATE_WINDOW_MS: '60000',
    });
    app = configureAdminApi(
      await NestFactory.create(AdminAppModule.forRoot({ settings, stages: { transformation: true, loading: true, projections: true } }), {
        logger: new JsonLogger({ level: 'debug', write: (line) => void lines.push(line) }),
      }),
    );
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/api`.replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = (path: string, init: RequestInit & { token?: string | null; headers?: Record<string, string> } = {}) => {
    const { token = ADMIN_TOKEN, headers = {}, ...rest } = init;
    return fetch(`${base}${path}`, { ...rest, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  };
  const uploadForm = (files: [string, string][], fields: Record<string, string> = {}) => {
    const form = new FormData();
    for (const [name, content] of files) form.append('file', new Blob([content]), name);
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    return form;
  };
  const uploads = () => readdirSync(join(dataDir, 'uploads'));

  it('answers 401 with WWW-Authenticate and 403 for a viewer, as problem+json', async () => {
    const none = await call('/users', { token: null });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer realm="dirsync"');
    expect(none.headers.get('content-type')).toMatch(PROBLEM);
    const viewer = (await app.get(TokenService).create('viewer', 'ops-viewer')).token;
    expect((await call('/metrics', { token: viewer })).status).toBe(200);
    const forbidden = await call('/admin/replay', { method: 'POST', token: viewer });
    expect(forbidden.status).toBe(403);
    expect(await forbidden.json()).toMatchObject({ type: 'https://dirsync.dev/problems/forbidden', title: 'Forbidden', status: 403 });
  });

  it('answers 400 validation problems naming the field, and 404 not-found problems', async () => {
    const invalid = await call('/imports?wait=true', { method: 'POST', body: uploadForm([['u.csv', 'UserIdentifier,UPN\na,a\n']], { matchBy: 'shoe-size' }) });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toMatch(PROBLEM);
    const body: Json = await invalid.json();
    expect(body).toMatchObject({ type: 'https://dirsync.dev/problems/validation', title: 'Bad request', status: 400, field: 'matchBy' });
    expect(body.errors).toEqual([{ field: 'matchBy', detail: expect.stringMatching(/matchBy must be one of/) }]);
    const unknown = await call('/sources', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ colour: 'blue' }) });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as Json).errors).toEqual(expect.arrayContaining([{ field: 'colour', detail: 'property colour should not exist' }]));
    const missing = await call('/users/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(PROBLEM);
    expect(await missing.json()).toEqual({ type: 'https://dirsync.dev/problems/not-found', title: 'Not found', status: 404, detail: 'no user with id nope' });
    expect((await call('/no/such/route')).status).toBe(404);
    expect(uploads()).toEqual([]);
  });

  it('surfaces a file the pipeline refused as 422 import-failed with its rows (and fields, when the pipeline names one)', async () => {
    const response = await call('/imports?wait=true', { method: 'POST', body: uploadForm([['twice.csv', 'UserIdentifier,UPN,email,mail\na,a,a@x.org,a@x.org\n']]) });
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toMatch(PROBLEM);
    const problem: Json = await response.json();
    expect(problem).toMatchObject({ type: 'https://dirsync.dev/problems/import-failed', status: 422, importId: expect.any(String), stage: expect.any(String) });
    expect(problem).toMatchObject({ row: 1, detail: expect.stringMatching(/both map to email/) });
    expect(problem.errors).toEqual([{ row: 1, detail: "columns 'email' and 'mail' both map to email; keep only one" }]);
    expect(((await (await call(`/imports/${problem.importId}`)).json()) as Json).status).toBe('failed');
  });

  it('refuses an upload over ETL_MAX_UPLOAD_BYTES with 413, and a second file, leaving nothing on disk', async () => {
    const big = await call('/imports?wait=true', { method: 'POST', body: uploadForm([['big.csv', `UserIdentifier,UPN\n${'x,x\n'.repeat(2000)}`]]) });
    expect(big.status).toBe(413);
    expect(big.headers.get('content-type')).toMatch(PROBLEM);
    expect(await big.json()).toMatchObject({ type: 'https://dirsync.dev/problems/payload-too-large', status: 413 });
    expect(uploads()).toEqual([]);

    const two = await call('/imports?wait=true', { method: 'POST', body: uploadForm([['a.csv', 'UserIdentifier,UPN\na,a\n'], ['b.csv', 'UserIdentifier,UPN\nb,b\n']]) });
    expect([400, 413]).toContain(two.status);
    expect(two.headers.get('content-type')).toMatch(PROBLEM);
    expect(uploads()).toEqual([]);
  });

  it('throttles uploads per token (429 with Retry-After)', async () => {
    // The earlier uploads of this suite count too: 4 per window in all.
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await call('/imports', { method: 'POST', body: uploadForm([['t.csv', `UserIdentifier,UPN\nt${i},t${i}\n`]]) })).status);
    }
    expect(statuses[statuses.length - 1]).toBe(429);
    const throttled = await call('/imports', { method: 'POST', body: uploadForm([['t.csv', 'UserIdentifier,UPN\nz,z\n']]) });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await throttled.json()).toMatchObject({ type: 'https://dirsync.dev/problems/too-many-requests', status: 429 });
    expect(uploads()).toEqual([]);
    expect((await call('/users')).status).toBe(200); // reads are not throttled
  });

  it('serves liveness and readiness publicly, and counters at /api/metrics', async () => {
    const live = await call('/health/live', { token: null });
    expect(live.status).toBe(200);
    expect(await live.json()).toMatchObject({ status: 'ok' });
    const ready = await call('/health/ready', { token: null });
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', info: { eventStore: { status: 'up' }, projections: { status: 'up', lag: 0 } } });

    const metrics = await call('/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await metrics.text();
    expect(text).toMatch(/^dirsync_events_total \d+$/m);
    expect(text).toMatch(/^dirsync_imports\{status="failed"\} 1$/m);
    expect(text).toMatch(/^dirsync_uploads_total\{outcome="too-large"\} 1$/m);
    expect(text).toMatch(/^dirsync_uploads_total\{outcome="throttled"\} \d+$/m);
    expect(text).toMatch(/^dirsync_projection_lag_events 0$/m);
    expect((await call('/metrics', { token: null })).status).toBe(401);
  });

  it('echoes or makes a request id, and logs JSON lines with it and without secrets', async () => {
    const echoed = await call('/catalog', { headers: { 'x-request-id': 'req-42.a' } });
    expect(echoed.headers.get('x-request-id')).toBe('req-42.a');
    const made = await call('/catalog', { headers: { 'x-request-id': 'not a valid id\u00e9' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const guess = 'dsk_this-is-a-secret-guess-0000000000000000000';
    expect((await call('/users', { token: guess, headers: { 'x-request-id': 'req-bad-token' } })).status).toBe(401);

    const entries: Json[] = lines.map((line) => JSON.parse(line));
    for (const entry of entries) expect(Object.keys(entry).slice(0, 3)).toEqual(['time', 'level', 'msg']);
    expect(entries).toContainEqual(expect.objectContaining({ level: 'info', context: 'HTTP', requestId: 'req-42.a', method: 'GET', path: '/api/catalog', status: 200 }));
    const failure = entries.find((e) => e.msg === 'authentication failed' && e.requestId === 'req-bad-token');
    expect(failure).toMatchObject({ level: 'warn', context: 'Auth', authorization: '[REDACTED]' });
    const all = lines.join('');
    expect(all).not.toContain(guess);
    expect(all).not.toContain('this-is-a-secret-guess');
    expect(all).not.toContain(ADMIN_TOKEN);
  });

  it('blocks an address after too many failed authentications (429), whatever token it presents next', async () => {
    // ETL_AUTH_FAILURE_LIMIT is 3 per window: the 4th failure from this address (counting the
    // suite's earlier ones) is answered 429, and so is everything after it.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await call('/users', { token: `wrong-${i}` })).status);
    expect(statuses[3]).toBe(429);
    expect(statuses.slice(statuses.indexOf(429))).toEqual(statuses.slice(statuses.indexOf(429)).map(() => 429));
    const blocked = await call('/users');
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await blocked.json()).toMatchObject({ type: 'https://dirsync.dev/problems/too-many-requests', status: 429 });
    expect((await call('/health', { token: null })).status).toBe(200); // health stays open
  });
});
