import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { ImportLog } from '@dirsync/import-log';
import { ImportDecisionService } from '@dirsync/loading';
import { startVsftpd, writeServedFile, type VsftpdServer } from '@dirsync/testing';
import type { CreateSourceDto } from './api/source.dto';
import { SourcesService } from './sources.service';
import { FTP_PASSWORD as PASSWORD, FTP_USER as USER, SAMPLE_CSV as sample, sourcesTestApp } from './testing/sources-test-app';

// A real server, TLS handshakes and the pipeline: slower than the default 5 s allows.
jest.setTimeout(30_000);

/** Runs of FTP/FTPS sources through the real pipeline, against a real vsftpd on loopback. */
describe('source runs (vsftpd + pipeline)', () => {
  let dataDir: string;
  let app: INestApplicationContext;
  let sources: SourcesService;
  let store: EventStore;
  let ftps: VsftpdServer;
  let plain: VsftpdServer;

  beforeAll(async () => {
    [ftps, plain] = await Promise.all([
      startVsftpd({ tls: true, user: USER, password: PASSWORD, files: { 'hr/users.csv': sample } }),
      startVsftpd({ tls: false, user: USER, password: PASSWORD, files: { 'users.csv': sample } }),
    ]);
    dataDir = mkdtempSync(join(tmpdir(), 'sources-'));
    app = await NestFactory.createApplicationContext(sourcesTestApp(dataDir, { retryDelayMs: 0 }), { logger: false });
    await app.init();
    sources = app.get(SourcesService);
    store = app.get(EVENT_STORE);
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([ftps?.stop(), plain?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const ftpsSource = (overrides: Partial<CreateSourceDto> = {}): CreateSourceDto => ({
    name: 'HR over FTPS',
    host: ftps.host,
    port: ftps.port,
    tls: 'explicit',
    user: USER,
    password: PASSWORD,
    remotePath: '/hr/users.csv',
    caCertificate: ftps.ca,
    ...overrides,
  });

  async function importsRequested(): Promise<string[]> {
    const ids: string[] = [];
    for await (const event of store.readAll({ filter: { eventTypes: ['ImportRequested'] } })) ids.push((event.data as { importId: string }).importId);
    return ids;
  }

  const downloads = () => {
    try {
      return readdirSync(join(dataDir, 'sources', 'downloads'));
    } catch {
      return [];
    }
  };

  it('downloads over explicit TLS and imports through the pipeline, then skips the unchanged file', async () => {
    const source = await sources.create(ftpsSource());
    expect(source).toMatchObject({ passwordSet: true, port: ftps.port, enabled: true, schedule: null });
    expect(readFileSync(join(dataDir, 'secrets.key'), 'utf8').trim()).toHaveLength(44); // generated on first use

    const first = await sources.run(source.id, true);
    expect(first).toMatchObject({ status: 'finished', outcome: 'imported', trigger: 'manual', file: { size: sample.length } });
    expect(first.counts).toMatchObject({ created: 7, rejected: 0 });
    const state = (await new ImportLog(store).read(String(first.importId)))?.state;
    expect(state).toMatchObject({ status: 'completed', requested: { fileName: 'users.csv', source: { kind: 'ftp', sourceId: source.id } } });
    expect(state?.completed?.counts).toMatchObject({ created: 7 });

    const before = await importsRequested();
    const second = await sources.run(source.id, true);
    expect(second).toMatchObject({ outcome: 'unchanged', file: { sha256: first.file?.sha256 } });
    expect(second.reason).toContain(first.importId);
    expect(second.importId).toBeUndefined();
    expect(await importsRequested()).toEqual(before);

    // A changed file is imported again.
    writeServedFile(ftps.rootDir, 'hr/users.csv', Buffer.concat([sample, Buffer.from('new.person@example.com,new.person@example.com,new.person@example.com,New,Person,,,,Active,en,,,,\n')]));
    const third = await sources.run(source.id, true);
    expect(third).toMatchObject({ outcome: 'imported', counts: { created: 1, skipped: 7 } });
    writeServedFile(ftps.rootDir, 'hr/users.csv', sample);

    const runs = await sources.runs(source.id, 0, 10);
    expect(runs.items.map((run) => run.outcome)).toEqual(['imported', 'unchanged', 'imported']);
    expect(downloads()).toEqual([]);

    // The password is in the log only sealed.
    for await (const event of store.readAll({ filter: { streamPrefixes: ['source-'] } })) expect(JSON.stringify(event.data)).not.toContain(PASSWORD);
  });

  it('imports the same file again when the import options changed since its last import', async () => {
    const source = await sources.create(ftpsSource({ name: 'options change', importOptions: { matchBy: 'email' } }));
    const first = await sources.run(source.id, true);
    expect(first).toMatchObject({ outcome: 'imported', importOptions: { matchBy: 'email' } });
    expect(await sources.run(source.id, true)).toMatchObject({ outcome: 'unchanged' });

    await sources.update(source.id, { importOptions: { matchBy: 'email', createDraft: true } });
    const changed = await sources.run(source.id, true);
    expect(changed).toMatchObject({ outcome: 'imported', file: { sha256: first.file?.sha256 }, importOptions: { matchBy: 'email', createDraft: true } });
    const state = (await new ImportLog(store).read(String(changed.importId)))?.state;
    expect(state?.requested?.options).toMatchObject({ matchBy: 'email', createDraft: true });

    const again = await sources.run(source.id, true);
    expect(again).toMatchObject({ outcome: 'unchanged', reason: expect.stringContaining(`same content (sha256 ${first.file?.sha256}) and import options as the last completed import ${changed.importId}`) });
  });

  it('downloads over plain FTP', async () => {
    const source = await sources.create(ftpsSource({ name: 'plain', port: plain.port, tls: 'none', caCertificate: undefined, remotePath: '/users.csv' }));
    const run = await sources.run(source.id, true);
    expect(run).toMatchObject({ outcome: 'imported', counts: { rejected: 0 } });
  });

  it('downloads over implicit TLS', async () => {
    const implicit = await startVsftpd({ tls: 'implicit', user: USER, password: PASSWORD, files: { 'users.csv': sample } });
    try {
      const source = await sources.create(ftpsSource({ name: 'implicit', port: implicit.port, tls: 'implicit', caCertificate: implicit.ca, remotePath: '/users.csv' }));
      expect(await sources.run(source.id, true)).toMatchObject({ outcome: 'imported', counts: { rejected: 0 } });
    } finally {
      await implicit.stop();
    }
  });

  it('records a failed run for a wrong password, and imports nothing', async () => {
    const source = await sources.create(ftpsSource({ name: 'wrong password', password: 'not-the-password' }));
    const before = await importsRequested();
    const run = await sources.run(source.id, true);
    expect(run).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/^login: login refused for user "dirsyncftp"/) });
    expect(await importsRequested()).toEqual(before);
    const check = await sources.check(source.id);
    expect(check.login).toMatchObject({ ok: false, message: expect.stringMatching(/check the user name and the password/) });
    expect((await sources.get(source.id)).lastCheck).toEqual(check); // checks are recorded
  });

  it('records a failed run for a missing file', async () => {
    const source = await sources.create(ftpsSource({ name: 'missing', remotePath: '/hr/nobody.csv' }));
    const run = await sources.run(source.id, true);
    expect(run).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/^file: no readable file at \/hr\/nobody\.csv/) });
  });

  it('refuses an untrusted certificate: nothing downloaded, nothing imported', async () => {
    const source = await sources.create(ftpsSource({ name: 'untrusted', caCertificate: undefined }));
    const before = await importsRequested();
    const run = await sources.run(source.id, true);
    expect(run).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/^tls: certificate is not trusted: self-signed/) });
    expect(await importsRequested()).toEqual(before);
    expect(downloads()).toEqual([]);
  });

  it('imports nothing when the server stops mid-transfer', async () => {
    const big = Buffer.concat([sample, Buffer.alloc(3 * 1024 * 1024, '#')]);
    const slow = await startVsftpd({ tls: true, user: USER, password: PASSWORD, files: { 'big.csv': big }, maxRateBytesPerSecond: 256 * 1024 });
    try {
      const source = await sources.create(ftpsSource({ name: 'dies', port: slow.port, caCertificate: slow.ca, remotePath: '/big.csv' }));
      const before = await importsRequested();
      const { runId } = await sources.run(source.id, false);
      // Wait until bytes arrive, then kill the server (and its session processes).
      const deadline = Date.now() + 10_000;
      while (!downloads().some((name) => name.endsWith('.part')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(downloads()).toContain(`${runId}.part`);
      await slow.stop();
      const finished = await waitForRun(source.id, runId);
      expect(['failed', 'retry-later']).toContain(finished.outcome);
      expect(finished.reason).toMatch(/^the download of \/big\.csv failed: [\s\S]*; nothing was imported$|changed during the download/);
      expect(finished.importId).toBeUndefined();
      expect(await importsRequested()).toEqual(before);
      expect(downloads()).toEqual([]);
    } finally {
      await slow.stop();
    }
  });

  it('never imports a file that is being written: retry later', async () => {
    const slow = await startVsftpd({ tls: true, user: USER, password: PASSWORD, files: { 'growing.csv': Buffer.concat([sample, Buffer.alloc(1024 * 1024, '#')]) }, maxRateBytesPerSecond: 512 * 1024 });
    try {
      const source = await sources.create(ftpsSource({ name: 'growing', port: slow.port, caCertificate: slow.ca, remotePath: '/growing.csv' }));
      const before = await importsRequested();
      const { runId } = await sources.run(source.id, false);
      const deadline = Date.now() + 10_000;
      while (!downloads().includes(`${runId}.part`) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      appendFileSync(join(slow.rootDir, 'growing.csv'), 'more rows being written\n');
      const finished = await waitForRun(source.id, runId);
      expect(finished).toMatchObject({ outcome: 'retry-later', reason: expect.stringMatching(/^the file changed during the download \(size \d+ → \d+/) });
      expect(await importsRequested()).toEqual(before);
      expect(downloads()).toEqual([]);
    } finally {
      await slow.stop();
    }
  });

  it('never overlaps runs of one source: a second trigger joins the running run', async () => {
    const source = await sources.create(ftpsSource({ name: 'lock' }));
    const [a, b] = await Promise.all([sources.run(source.id, false), sources.run(source.id, false)]);
    expect(b.runId).toBe(a.runId);
    expect([a.joined, b.joined].sort()).toEqual([false, true]);
    await waitForRun(source.id, a.runId);
    expect((await sources.runs(source.id, 0, 10)).total).toBe(1);
  });

  it('fires the schedule, applies changes without a restart, and stops when disabled', async () => {
    const source = await sources.create(ftpsSource({ name: 'scheduled', schedule: '* * * * * *' }));
    expect(source.nextRunAt).not.toBeNull();
    const deadline = Date.now() + 10_000;
    let runs = await sources.runs(source.id, 0, 10);
    while (!runs.items.some((run) => run.status === 'finished') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      runs = await sources.runs(source.id, 0, 10);
    }
    const scheduled = runs.items.find((run) => run.status === 'finished');
    expect(scheduled).toMatchObject({ trigger: 'schedule' });
    expect(['imported', 'unchanged']).toContain(scheduled?.outcome);

    const disabled = await sources.update(source.id, { enabled: false });
    expect(disabled.nextRunAt).toBeNull();
    await new Promise((r) => setTimeout(r, 300)); // a run started just before may still finish
    const settled = await waitForRun(source.id, (await sources.runs(source.id, 0, 1)).items[0].runId);
    const count = (await sources.runs(source.id, 0, 100)).total;
    await new Promise((r) => setTimeout(r, 2200));
    expect((await sources.runs(source.id, 0, 100)).total).toBe(count);
    expect(settled.status).toBe('finished');
  });

  it('records a run whose import waits for approval as awaiting-approval, naming the import', async () => {
    writeServedFile(ftps.rootDir, 'hr/shrinking.csv', sample);
    const source = await sources.create(ftpsSource({ name: 'shrinking', remotePath: '/hr/shrinking.csv', importOptions: { disableMissing: true } }));
    expect(await sources.run(source.id, true)).toMatchObject({ outcome: 'imported' });

    // One row where the last import had seven, with "disable missing": the row-count guard holds it.
    const [header, firstRow] = sample.toString('utf8').split('\n');
    writeServedFile(ftps.rootDir, 'hr/shrinking.csv', `${header}\n${firstRow}\n`);
    const held = await sources.run(source.id, true);
    expect(held).toMatchObject({ outcome: 'awaiting-approval', importId: expect.any(String) });
    expect(held.reason).toMatch(new RegExp(`^import ${held.importId} awaits an administrator's approval \\(.+\\): approve or reject it`));
    expect((await new ImportLog(store).read(String(held.importId)))?.state.status).toBe('awaiting-approval');
  });

  it('requests no second import of a file whose import awaits approval, and reports that import once decided', async () => {
    const [header, firstRow, secondRow] = sample.toString('utf8').split('\n');
    const source = await sources.create(ftpsSource({ name: 'held', remotePath: '/hr/held.csv', importOptions: { disableMissing: true } }));
    writeServedFile(ftps.rootDir, 'hr/held.csv', sample);
    expect(await sources.run(source.id, true)).toMatchObject({ outcome: 'imported' });

    writeServedFile(ftps.rootDir, 'hr/held.csv', `${header}\n${firstRow}\n`);
    const held = await sources.run(source.id, true);
    expect(held).toMatchObject({ outcome: 'awaiting-approval' });
    const requested = (await importsRequested()).length;
    const again = await sources.run(source.id, true);
    expect(again).toMatchObject({ outcome: 'awaiting-approval', importId: held.importId, reason: expect.stringContaining('not requested again') });
    expect(await importsRequested()).toHaveLength(requested);

    await app.get(ImportDecisionService).approve(String(held.importId), 'admin');
    const applied = await sources.run(source.id, true);
    expect(applied).toMatchObject({ outcome: 'imported', importId: held.importId, reason: expect.stringContaining(`import ${held.importId} was applied`) });
    expect(applied.counts?.disabled).toBeGreaterThan(0); // the held plan's disables, applied once approved
    expect(await sources.run(source.id, true)).toMatchObject({ outcome: 'unchanged', reason: expect.stringContaining(`last completed import ${held.importId}`) });

    // A rejected import's file is not requested again either; another file is. This one would
    // disable Ada and has a row without a valid key (too few values), so a guard holds it.
    writeServedFile(ftps.rootDir, 'hr/held.csv', `${header}\n${secondRow}\nnot,a,row\n`);
    const rejected = await sources.run(source.id, true);
    expect(rejected).toMatchObject({ outcome: 'awaiting-approval' });
    await app.get(ImportDecisionService).reject(String(rejected.importId), 'admin', 'truncated export');
    expect(await sources.run(source.id, true)).toMatchObject({ outcome: 'unchanged', importId: rejected.importId, reason: expect.stringContaining(`an administrator rejected import ${rejected.importId}`) });
    expect(await sources.run(source.id, true)).toMatchObject({ outcome: 'unchanged', importId: rejected.importId });
    writeServedFile(ftps.rootDir, 'hr/held.csv', sample);
    expect(await sources.run(source.id, true)).toMatchObject({ outcome: 'imported' });
    expect(await importsRequested()).toHaveLength(requested + 2);
  });

  async function waitForRun(sourceId: string, runId: string, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = (await sources.runs(sourceId, 0, 100)).items.find((item) => item.runId === runId);
      if (run?.status === 'finished') return run;
      if (Date.now() > deadline) throw new Error(`run ${runId} did not finish within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
});
