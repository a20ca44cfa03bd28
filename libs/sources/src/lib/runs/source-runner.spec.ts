import { Logger } from '@nestjs/common';
import { emptyCounts, type ImportEvent } from '@dirsync/domain';
import { InMemoryEventStore } from '@dirsync/event-store';
import { ImportLog } from '@dirsync/import-log';
import type { RequestImportService } from '@dirsync/extraction';
import type { SecretBox } from '@dirsync/secrets';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunOutcome, SourceSettings } from '../model/source';
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
    type Ending = 'failed' | 'was a dry run' | 'was rejected' | 'was applied, then reverted';
    const at = new Date().toISOString();
    const importEvent = (importId: string, type: ImportEvent['type'], data: object) =>
      ({ name: type, type, data: { importId, ...data } }) as unknown as Parameters<ImportLog['append']>[2][number];
    /** The earlier import's stream after its ImportRequested, and what its run recorded. */
    const endings: Record<Ending, { events: Parameters<ImportLog['append']>[2]; run: { outcome: RunOutcome; dryRun?: boolean } }> = {
      failed: { events: [importEvent('earlier', 'ImportFailed', { stage: 'loading', reason: 'the disk was full', problems: [], failedAt: at })], run: { outcome: 'failed' } },
      'was a dry run': { events: [importEvent('earlier', 'ImportCompleted', { counts: emptyCounts(), dryRun: true, completedAt: at })], run: { outcome: 'imported', dryRun: true } },
      'was rejected': {
        events: [importEvent('earlier', 'ImportAwaitingApproval', { planNumber: 1, reasons: ['too many disables'] }), importEvent('earlier', 'ImportRejected', { by: 'admin', at })],
        run: { outcome: 'awaiting-approval' },
      },
      'was applied, then reverted': {
        events: [
          importEvent('earlier', 'ImportAwaitingApproval', { planNumber: 1, reasons: ['too many disables'] }),
          importEvent('earlier', 'ImportApproved', { by: 'admin', at }),
          importEvent('earlier', 'ImportCompleted', { counts: emptyCounts(), dryRun: false, completedAt: at }),
          importEvent('earlier', 'ImportReverted', { revertId: 'the-revert', by: 'admin', at }),
        ],
        run: { outcome: 'awaiting-approval' },
      },
    };

    /** A source whose last run asked for `earlier`, whose import then ended as `ended`; this run fetches the same file. */
    async function runAfter(ended: Ending) {
      const store = new InMemoryEventStore();
      const log = new ImportLog(store);
      const request = jest.fn(async () => {
        await log.append('later', -1, [importEvent('later', 'ImportCompleted', { counts: emptyCounts(), dryRun: false, completedAt: at })]);
        return 'later';
      });
      sources = new SourceRepository(store);
      runner = new SourceRunner(sources, {} as SecretBox, { request } as unknown as RequestImportService, store, resolveSourcesOptions({ dataDir, env: {} }));
      await configure();
      await sources.append(SOURCE_ID, [
        { type: 'SourceRunStarted', data: { sourceId: SOURCE_ID, runId: 'earlier-run', trigger: 'schedule', startedAt: at } },
        { type: 'SourceRunFinished', data: { sourceId: SOURCE_ID, runId: 'earlier-run', ...endings[ended].run, importId: 'earlier', file, importOptions: {}, finishedAt: at } },
      ]);
      await log.append('earlier', -1, [importEvent('earlier', 'ImportRequested', {}), ...endings[ended].events]);
      fetchMock.mockImplementation(async (_endpoint, dir, name) => {
        writeFileSync(join(dir, name), 'email\n');
        return { kind: 'fetched', path: join(dir, name), file };
      });
      const finished = await (await runner.start(SOURCE_ID, 'schedule')).done;
      return { finished, request, store, state: (await sources.load(SOURCE_ID))?.state };
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

    it('shows the import on the run in progress as soon as it is requested', async () => {
      const store = new InMemoryEventStore();
      const request = jest.fn(async () => 'never-settles');
      sources = new SourceRepository(store);
      runner = new SourceRunner(sources, {} as SecretBox, { request } as unknown as RequestImportService, store, resolveSourcesOptions({ dataDir, env: {} }));
      await configure();
      fetchMock.mockImplementation(async (_endpoint, dir, name) => {
        writeFileSync(join(dir, name), 'email\n');
        return { kind: 'fetched', path: join(dir, name), file };
      });

      const { run } = await runner.start(SOURCE_ID, 'manual');
      while ((await runs())[0]?.importId === undefined) await sleep(10);

      // The run waits for its import (stopped by the shutdown after the test): both views name it.
      expect(runner.current(SOURCE_ID)).toMatchObject({ runId: run.runId, status: 'running', importId: 'never-settles', file });
      expect((await runs())[0]).toMatchObject({ runId: run.runId, status: 'running', importId: 'never-settles', file });
    });

    it.each([
      ['was rejected', 'an administrator rejected import earlier, so nothing was applied'],
      ['was applied, then reverted', 'import earlier was applied, then reverted (revert the-revert)'],
    ] as const)('is not requested again, and the run is unchanged, when that import %s', async (ended, reason) => {
      const { finished, request, state } = await runAfter(ended);
      expect(request).not.toHaveBeenCalled();
      expect(finished).toMatchObject({ outcome: 'unchanged', importId: 'earlier', reason: expect.stringContaining(reason) });
      expect(finished.reason).toContain('the same file with the same import options is not requested again');
      expect(state?.lastImported).toBeNull(); // never taken for the file the directory holds
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
