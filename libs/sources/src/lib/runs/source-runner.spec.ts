import { Logger } from '@nestjs/common';
import { emptyCounts } from '@dirsync/domain';
import { InMemoryEventStore } from '@dirsync/event-store';
import { ImportLog } from '@dirsync/import-log';
import type { RequestImportService } from '@dirsync/extraction';
import type { SecretBox } from '@dirsync/secrets';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceSettings } from '../model/source';
import { SourceRepository } from '../model/source-repository';
import { sourceSettings } from '../testing/source-settings';
import { resolveSourcesOptions, type SourcesModuleOptions } from '../sources.options';
import { fetchFile } from './fetch-file';
import { SourceRunner } from './source-runner';

jest.mock('./fetch-file');
const fetchMock = jest.mocked(fetchFile);

const SOURCE_ID = '0b6f7f0e-6f1a-4c57-8d3b-5a2f4b1c9e01';

/** SourceRunner on an in-memory log, its download faked; no FTP server, no pipeline. */
describe('SourceRunner', () => {
  let dataDir: string;
  let sources: SourceRepository;
  let runner: SourceRunner;

  const startRunner = (options: Partial<SourcesModuleOptions> = {}) => {
    const store = new InMemoryEventStore();
    sources = new SourceRepository(store);
    runner = new SourceRunner(sources, {} as SecretBox, {} as RequestImportService, store, resolveSourcesOptions({ dataDir, env: {}, ...options }));
    return store;
  };
  const configure = (changes: Partial<SourceSettings> = {}) =>
    sources.append(SOURCE_ID, [{ type: 'SourceConfigured', data: { sourceId: SOURCE_ID, settings: sourceSettings(changes), at: new Date().toISOString() } }]);
  const runs = async () => (await sources.load(SOURCE_ID))?.state.runs ?? [];
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'source-runner-'));
    fetchMock.mockReset();
  });
  afterEach(async () => {
    await runner?.beforeApplicationShutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('a file still being written', () => {
    beforeEach(() => fetchMock.mockResolvedValue({ kind: 'changing', reason: 'the file changed' }));

    it('is retried exactly once after the retry delay, not again by the retry itself', async () => {
      startRunner({ retryDelayMs: 50 });
      await configure();
      await (await runner.start(SOURCE_ID, 'manual')).done;
      await sleep(400);
      const all = await runs();
      expect(all.map(({ trigger, outcome }) => [trigger, outcome])).toEqual([
        ['manual', 'retry-later'],
        ['retry', 'retry-later'],
      ]);
    });

    it.each([
      ['disabled', { type: 'SourceChanged' as const, data: { sourceId: SOURCE_ID, changes: { enabled: false }, at: new Date().toISOString() } }],
      ['removed', { type: 'SourceRemoved' as const, data: { sourceId: SOURCE_ID, at: new Date().toISOString() } }],
    ])('is not retried when the source was %s meanwhile', async (_case, event) => {
      startRunner({ retryDelayMs: 100 });
      await configure();
      await (await runner.start(SOURCE_ID, 'manual')).done;
      await sources.append(SOURCE_ID, [event]);
      await sleep(400);
      expect((await runs()).map(({ trigger }) => trigger)).toEqual(['manual']);
    });
  });

  describe('a file an earlier run requested an import of', () => {
    const file = { size: 6, sha256: 'c'.repeat(64), modifiedAt: null };
    const importEvent = (importId: string, type: 'ImportRequested' | 'ImportFailed' | 'ImportCompleted', data: object) =>
      ({ name: type, type, data: { importId, ...data } }) as unknown as Parameters<ImportLog['append']>[2][number];

    /** A source whose last run asked for `earlier`, whose import then ended as `ended`; this run fetches the same file. */
    async function runAfter(ended: 'failed' | 'was a dry run') {
      const store = new InMemoryEventStore();
      const log = new ImportLog(store);
      const request = jest.fn(async () => {
        await log.append('later', -1, [importEvent('later', 'ImportCompleted', { counts: emptyCounts(), dryRun: false, completedAt: new Date().toISOString() })]);
        return 'later';
      });
      sources = new SourceRepository(store);
      runner = new SourceRunner(sources, {} as SecretBox, { request } as unknown as RequestImportService, store, resolveSourcesOptions({ dataDir, env: {} }));
      await configure();
      await sources.append(SOURCE_ID, [
        { type: 'SourceRunStarted', data: { sourceId: SOURCE_ID, runId: 'earlier-run', trigger: 'schedule', startedAt: new Date().toISOString() } },
        { type: 'SourceRunFinished', data: { sourceId: SOURCE_ID, runId: 'earlier-run', outcome: ended === 'failed' ? 'failed' : 'imported', dryRun: ended !== 'failed', importId: 'earlier', file, importOptions: {}, finishedAt: new Date().toISOString() } },
      ]);
      const end = ended === 'failed' ? importEvent('earlier', 'ImportFailed', { stage: 'loading', reason: 'the disk was full', problems: [], failedAt: new Date().toISOString() }) : importEvent('earlier', 'ImportCompleted', { counts: emptyCounts(), dryRun: true, completedAt: new Date().toISOString() });
      await log.append('earlier', -1, [importEvent('earlier', 'ImportRequested', {}), end]);
      fetchMock.mockImplementation(async (_endpoint, dir, name) => {
        writeFileSync(join(dir, name), 'email\n');
        return { kind: 'fetched', path: join(dir, name), file };
      });
      return { finished: await (await runner.start(SOURCE_ID, 'schedule')).done, request, store };
    }

    it.each(['failed', 'was a dry run'] as const)('is requested again when that import %s', async (ended) => {
      const { finished, request, store } = await runAfter(ended);
      expect(request).toHaveBeenCalledTimes(1);
      expect(finished).toMatchObject({ outcome: 'imported', importId: 'later' });
      expect(finished.reason).toBeUndefined();
      // Named as soon as requested, so that a run the process stops during still names it.
      const named = [];
      for await (const event of store.readAll({ filter: { eventTypes: ['SourceRunImportRequested'] } })) named.push(event.data);
      expect(named).toEqual([expect.objectContaining({ runId: finished.runId, importId: 'later', file, importOptions: {} })]);
    });
  });

  describe('at start, after a process stopped during runs', () => {
    const downloads = () => join(dataDir, 'sources', 'downloads');
    const leaveRun = async (runId: string) => {
      await sources.append(SOURCE_ID, [{ type: 'SourceRunStarted', data: { sourceId: SOURCE_ID, runId, trigger: 'schedule', startedAt: new Date().toISOString() } }]);
      mkdirSync(downloads(), { recursive: true });
      writeFileSync(join(downloads(), `${runId}.part`), 'email\nsomeone@example.com\n');
    };

    it('records its unfinished runs as failed, interrupted, and removes their downloads', async () => {
      startRunner();
      await configure();
      await leaveRun('run-of-the-stopped-process');
      writeFileSync(join(downloads(), 'run-before'), 'a complete download never handed over');

      await runner.onModuleInit();

      expect(await runs()).toEqual([
        expect.objectContaining({ runId: 'run-of-the-stopped-process', status: 'finished', outcome: 'failed', reason: 'interrupted: the process stopped during the run' }),
      ]);
      expect(readdirSync(downloads())).toEqual([]);
    });

    it('names the import such a run had requested, which goes on in the pipeline', async () => {
      startRunner();
      await configure();
      await leaveRun('run-that-requested');
      const file = { size: 26, sha256: 'd'.repeat(64), modifiedAt: null };
      await sources.append(SOURCE_ID, [{ type: 'SourceRunImportRequested', data: { sourceId: SOURCE_ID, runId: 'run-that-requested', importId: 'its-import', file, importOptions: {} } }]);

      await runner.onModuleInit();

      expect(await runs()).toEqual([
        expect.objectContaining({ status: 'finished', outcome: 'failed', importId: 'its-import', file, importOptions: {}, reason: 'interrupted: the process stopped during the run; its import its-import goes on in the pipeline' }),
      ]);
    });

    it('finishes the unfinished runs of a source removed since, too', async () => {
      startRunner();
      await configure();
      await leaveRun('run-of-a-removed-source');
      await sources.append(SOURCE_ID, [{ type: 'SourceRemoved', data: { sourceId: SOURCE_ID, at: new Date().toISOString() } }]);

      await runner.onModuleInit();

      expect(await runs()).toEqual([expect.objectContaining({ runId: 'run-of-a-removed-source', status: 'finished', outcome: 'failed' })]);
    });

    it("never touches this process's own run", async () => {
      startRunner();
      await configure();
      let release!: () => void;
      fetchMock.mockImplementation(async (_endpoint, dir, name) => {
        writeFileSync(join(dir, `${name}.part`), 'half');
        await new Promise<void>((resolve) => (release = resolve));
        return { kind: 'changing', reason: 'the file changed' };
      });
      const { run, done } = await runner.start(SOURCE_ID, 'manual');
      while (!release) await sleep(10);

      await runner.onModuleInit();

      expect(await runs()).toEqual([expect.objectContaining({ runId: run.runId, status: 'running' })]);
      expect(readdirSync(downloads())).toEqual([`${run.runId}.part`]);
      release();
      expect(await done).toMatchObject({ outcome: 'retry-later' });
    });

    it('leaves everything to the process that runs the schedules', async () => {
      startRunner({ schedules: false });
      await configure();
      await leaveRun('run-of-another-process');
      await runner.onModuleInit();
      expect(await runs()).toEqual([expect.objectContaining({ status: 'running' })]);
      expect(readdirSync(downloads())).toHaveLength(1);
    });
  });
});
