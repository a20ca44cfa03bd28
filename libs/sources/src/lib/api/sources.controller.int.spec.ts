import { ValidationPipe, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { startVsftpd, type VsftpdServer } from '@dirsync/testing';
import { SourceRepository } from '../model/source-repository';
import { SourceScheduler } from '../runs/source-scheduler';
import { FTP_PASSWORD as PASSWORD, FTP_USER as USER, SAMPLE_CSV as sample, sourcesTestApp } from '../testing/sources-test-app';

// Response bodies are checked field by field; their static type adds nothing here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** A CA certificate other than the test server's: the first of Node's bundled roots. */
const OTHER_CA = rootCertificates[0];

// A real server, TLS handshakes and the pipeline: slower than the default 5 s allows.
jest.setTimeout(30_000);

/** /api/sources over real HTTP, with the app's prefix and validation, against a real vsftpd. */
describe('REST /api/sources', () => {
  let dataDir: string;
  let app: INestApplication;
  let base: string;
  let ftps: VsftpdServer;

  beforeAll(async () => {
    ftps = await startVsftpd({ tls: true, user: USER, password: PASSWORD, files: { 'hr/users.csv': sample } });
    dataDir = mkdtempSync(join(tmpdir(), 'sources-api-'));
    app = await NestFactory.create(sourcesTestApp(dataDir), { logger: false });
    // As configureAdminApi does in the admin app.
    app.setGlobalPrefix('api');
    app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/api`.replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => {
    await app?.close();
    await ftps?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const send = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Json; text: string }> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, text, body: text ? JSON.parse(text) : undefined };
  };

  const config = () => ({
    name: 'HR',
    host: ftps.host,
    port: ftps.port,
    tls: 'explicit',
    user: USER,
    password: PASSWORD,
    remotePath: '/hr/users.csv',
    caCertificate: ftps.ca,
    importOptions: { matchBy: 'identifier', disableMissing: false },
    schedule: '0 6 * * *',
  });

  it('warns, on the source itself, that a source without TLS sends its password and file in clear text', async () => {
    const secured = await send('POST', '/sources', { ...config(), name: 'secured' });
    expect(secured.body.warnings).toEqual([]);

    const plain = await send('POST', '/sources', { ...config(), name: 'plain', tls: 'none', caCertificate: null });
    expect(plain.status).toBe(201);
    const warning = 'tls is none: the password and the file (personal data) cross the network in clear text; use explicit or implicit TLS';
    expect(plain.body.warnings).toEqual([warning]);
    expect((await send('GET', `/sources/${plain.body.id}`)).body.warnings).toEqual([warning]);
    expect((await send('GET', '/sources')).body.find((source: Json) => source.id === plain.body.id).warnings).toEqual([warning]);
  });

  it('creates, reads, changes and removes a source; the password is write-only', async () => {
    const created = await send('POST', '/sources', config());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'HR', passwordSet: true, tls: 'explicit', schedule: '0 6 * * *', enabled: true, lastRun: null });
    expect(created.body.nextRunAt).toEqual(expect.any(String));
    const id = created.body.id;

    for (const response of [created, await send('GET', `/sources/${id}`), await send('GET', '/sources')]) {
      expect(response.text).not.toContain(PASSWORD);
      expect(response.text).not.toMatch(/"password"|sealedPassword|v1:/);
    }
    expect((await send('GET', '/sources')).body.map((source: Json) => source.id)).toContain(id);

    // A PATCH without a password keeps it: the check still logs in.
    const patched = await send('PATCH', `/sources/${id}`, { name: 'HR (renamed)', schedule: null });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ name: 'HR (renamed)', passwordSet: true, schedule: null, nextRunAt: null });
    const check = await send('POST', `/sources/${id}/check`);
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ ok: true, login: { ok: true }, file: { ok: true, size: sample.length } });
    expect(check.text).not.toContain(PASSWORD);
    expect((await send('GET', `/sources/${id}`)).body.lastCheck).toMatchObject({ ok: true });

    // Sending it elsewhere without the password is refused: the saved one was given for this server,
    // this account and this channel. Nothing of the refused change is kept.
    for (const elsewhere of [{ host: 'ftp.example.com' }, { port: ftps.port + 1 }, { user: 'someone-else' }, { caCertificate: OTHER_CA }, { tls: 'none' }]) {
      const moved = await send('PATCH', `/sources/${id}`, elsewhere);
      expect(moved.status).toBe(400);
      expect(moved.body.message).toMatch(/give the password again when changing the host, the port, the user or the trusted CA certificate, or turning TLS off/);
    }
    expect((await send('POST', `/sources/${id}/check`)).body).toMatchObject({ ok: true, login: { ok: true } });

    // A new, wrong password replaces it.
    await send('PATCH', `/sources/${id}`, { password: 'wrong' });
    expect((await send('POST', `/sources/${id}/check`)).body.login).toMatchObject({ ok: false });
    await send('PATCH', `/sources/${id}`, { password: PASSWORD });

    expect((await send('DELETE', `/sources/${id}`)).status).toBe(204);
    expect((await send('GET', `/sources/${id}`)).status).toBe(404);
    expect((await send('GET', '/sources')).body.map((source: Json) => source.id)).not.toContain(id);
  });

  it('runs a source and lists its runs with their import ids', async () => {
    const { body: source } = await send('POST', '/sources', config());
    const run = await send('POST', `/sources/${source.id}/run?wait=true`);
    expect(run.status).toBe(202);
    expect(run.body).toMatchObject({ status: 'finished', outcome: 'imported', importId: expect.any(String), counts: { created: 7 } });
    const started = await send('POST', `/sources/${source.id}/run`);
    expect(started.body).toMatchObject({ status: 'running', runId: expect.any(String) });
    const runs = await send('GET', `/sources/${source.id}/runs`);
    expect(runs.body.total).toBe(2);
    expect(runs.body.items[1]).toMatchObject({ runId: run.body.runId, importId: run.body.importId, outcome: 'imported' });
    // Let the second run end before the app closes.
    for (let i = 0; i < 100 && (await send('GET', `/sources/${source.id}/runs`)).body.items[0].status !== 'finished'; i++) await new Promise((r) => setTimeout(r, 50));
  });

  it('checks an unsaved configuration without storing it', async () => {
    const { importOptions: _options, schedule: _schedule, name: _name, ...endpoint } = config();
    const check = await send('POST', '/sources/check', { ...endpoint, caCertificate: undefined });
    expect(check.status).toBe(200);
    expect(check.body).toMatchObject({ ok: false, reach: { ok: true }, tls: { ok: false, message: expect.stringMatching(/^certificate is not trusted: self-signed/) } });
    const store = app.get<EventStore>(EVENT_STORE);
    const before = await store.headPosition();
    expect((await send('POST', '/sources/check', endpoint)).body.ok).toBe(true);
    expect(await store.headPosition()).toBe(before);
  });

  it.each([
    ['a relative path', { remotePath: 'users.csv' }, /remotePath must be the absolute path/],
    ['a Windows path', { remotePath: 'C:\\importaciones\\usuarios.csv' }, /FTP paths start with \//],
    ['a line break in the user', { user: 'me\r\nDELE /x' }, /user must not contain control characters/],
    ['an unknown TLS mode', { tls: 'yes' }, /tls must be one of explicit, implicit, none/],
    ['a host with a scheme', { host: 'ftp://example.com' }, /host must be a host name or an IP address/],
    ['a bad cron expression', { schedule: 'every day' }, /schedule must be a cron expression/],
    ['a cron expression that never fires', { schedule: '0 0 31 2 *' }, /schedule "0 0 31 2 \*" never fires/],
    ['a bad certificate', { caCertificate: 'not a PEM' }, /caCertificate must be PEM certificate text/],
    ['an unknown field', { passwd: 'x' }, /property passwd should not exist/],
    ['a mapping to a number', { importOptions: { mapping: { EmailId: 5 } } }, /importOptions\.mapping must be a JSON object of "header in the file": "field" pairs/],
    ['contradicting import options', { importOptions: { activateDeleted: true, updateExisting: false } }, /"activate deleted" needs "update existing"/],
  ])('refuses %s with 400', async (_name, change, message) => {
    const response = await send('POST', '/sources', { ...config(), ...change });
    expect(response.status).toBe(400);
    expect([response.body.message].flat().join('\n')).toMatch(message);
  });

  it('refuses a schedule that never fires on change too, and survives one saved by an earlier version', async () => {
    const { body: source } = await send('POST', '/sources', config());
    const patched = await send('PATCH', `/sources/${source.id}`, { schedule: '0 0 30 2 *' });
    expect(patched.status).toBe(400);
    expect([patched.body.message].flat().join('\n')).toMatch(/schedule "0 0 30 2 \*" never fires/);
    expect((await send('GET', `/sources/${source.id}`)).body.schedule).toBe('0 6 * * *');

    // Saved before the API refused it: the scheduler skips it, the source lists with no next run.
    await app.get(SourceRepository).append(source.id, [{ type: 'SourceChanged', data: { sourceId: source.id, changes: { schedule: '0 0 31 2 *' }, at: new Date().toISOString() } }]);
    const scheduler = app.get(SourceScheduler);
    await expect(scheduler.onApplicationBootstrap()).resolves.toBeUndefined(); // what a restart does
    const listed = await send('GET', '/sources');
    expect(listed.status).toBe(200);
    expect(listed.body.find((item: Json) => item.id === source.id)).toMatchObject({ schedule: '0 0 31 2 *', nextRunAt: null });
    expect((await send('GET', `/sources/${source.id}`)).body.nextRunAt).toBeNull();
  });

  it('answers 404 for an unknown source', async () => {
    expect((await send('GET', '/sources/7d8a6d9e-1f0b-4c53-9f39-2d3c1c0b6f11')).status).toBe(404);
    expect((await send('POST', '/sources/7d8a6d9e-1f0b-4c53-9f39-2d3c1c0b6f11/run')).status).toBe(404);
  });

  it('answers 400 naming id for an id that is not a UUID, on every route of a source', async () => {
    const routes = [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/check'], ['POST', '/run'], ['GET', '/runs']];
    for (const [method, path] of routes) {
      const response = await send(method, `/sources/not-a-uuid${path}`, method === 'PATCH' ? {} : undefined);
      expect([method, path, response.status, response.body.message]).toEqual([method, path, 400, ['id must be a source id (a UUID)']]);
    }
  });
});
