import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importStream, userStream, type UserCreated } from '@dirsync/domain';
import { InMemoryEventStore } from '@dirsync/event-store';
import { AS_OF_DIR_PREFIX, AsOfError, directoryAsOf, sweepAbandonedAsOfFolders } from './directory-as-of';

describe('directoryAsOf', () => {
  let tmp: string;
  beforeEach(() => (tmp = mkdtempSync(join(tmpdir(), 'as-of-spec-'))));
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  let ids = 0;
  const id = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;
  const created = (userId: string, identifier: string): UserCreated => ({ userId, profile: { identifier }, status: 'Active', securityRoles: [], genericProperties: {} });

  async function history(store: InMemoryEventStore): Promise<void> {
    await store.append(userStream('u-1'), [{ id: id(), type: 'UserCreated', data: created('u-1', 'ada@corp') }]);
    await store.append(importStream('imp-1'), [{ id: id(), type: 'ImportCompleted', data: { importId: 'imp-1', counts: {}, dryRun: false, completedAt: '2026-12-07T10:00:00.000Z' } }]);
    await store.append(userStream('u-2'), [{ id: id(), type: 'UserCreated', data: created('u-2', 'bob@corp') }]);
    await store.append(importStream('imp-2'), [{ id: id(), type: 'ImportRequested', data: { importId: 'imp-2' } }]);
  }

  it('folds the user events up to the import into a temporary file, which close() removes', async () => {
    const store = new InMemoryEventStore();
    await history(store);
    const directory = await directoryAsOf(store, 'imp-1', { tmpDir: tmp });
    try {
      expect([...directory.all()].map((user) => user.identifier)).toEqual(['ada@corp']);
      expect(directory.findBy('identifier', 'ada@corp')).toMatchObject({ id: 'u-1' });
      expect(readdirSync(tmp)).toEqual([expect.stringMatching(new RegExp(`^${AS_OF_DIR_PREFIX}`))]); // its folder, holding its files
    } finally {
      directory.close();
    }
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('refuses an unknown import and one that has not completed', async () => {
    const store = new InMemoryEventStore();
    await history(store);
    await expect(directoryAsOf(store, 'nope', { tmpDir: tmp })).rejects.toThrow(new AsOfError('no import with id nope', 'not-found'));
    await expect(directoryAsOf(store, 'imp-2', { tmpDir: tmp })).rejects.toThrow(/import imp-2 has not completed/);
  });

  it('removes its files when reading the log fails half-way', async () => {
    const store = new InMemoryEventStore();
    await history(store);
    const readAll = store.readAll.bind(store);
    store.readAll = async function* (...args: Parameters<InMemoryEventStore['readAll']>) {
      for await (const event of readAll(...args)) {
        yield event;
        throw new Error('the log went away');
      }
    };
    await expect(directoryAsOf(store, 'imp-1', { tmpDir: tmp })).rejects.toThrow('the log went away');
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('marks its folder in use while it is open, and stops when it is closed', async () => {
    const store = new InMemoryEventStore();
    await history(store);
    const started = jest.spyOn(global, 'setInterval');
    const stopped = jest.spyOn(global, 'clearInterval');
    try {
      const directory = await directoryAsOf(store, 'imp-1', { tmpDir: tmp, markInUseEveryMs: 20 });
      const marking = started.mock.results.find((call) => (call.value as { _repeat?: number })._repeat === 20)?.value;
      try {
        const [folder] = readdirSync(tmp);
        const anHourAgo = new Date(Date.now() - 3_600_000);
        utimesSync(join(tmp, folder), anHourAgo, anHourAgo);
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(Date.now() - statSync(join(tmp, folder)).mtimeMs).toBeLessThan(60_000);
        expect(stopped).not.toHaveBeenCalledWith(marking);
      } finally {
        directory.close();
      }
      expect(marking).toBeDefined();
      expect(stopped).toHaveBeenCalledWith(marking);
      expect(readdirSync(tmp)).toEqual([]);
    } finally {
      started.mockRestore();
      stopped.mockRestore();
    }
  });

  it("passes over this process's open directories in its own sweeps, marked or not", async () => {
    const store = new InMemoryEventStore();
    await history(store);
    const directory = await directoryAsOf(store, 'imp-1', { tmpDir: tmp, markInUseEveryMs: 3_600_000 });
    try {
      const [folder] = readdirSync(tmp);
      const anHourAgo = new Date(Date.now() - 3_600_000);
      utimesSync(join(tmp, folder), anHourAgo, anHourAgo); // as after the process was stopped for an hour
      expect(sweepAbandonedAsOfFolders(tmp, 60_000)).toEqual([]);
      expect(directory.count()).toBe(1);
    } finally {
      directory.close();
    }
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('sweeps the folders no open directory has marked for the given time, and nothing else', () => {
    const folder = (name: string, minutesAgo: number) => {
      mkdirSync(join(tmp, name));
      writeFileSync(join(tmp, name, 'readmodels.sqlite'), '');
      const at = new Date(Date.now() - minutesAgo * 60_000);
      utimesSync(join(tmp, name), at, at);
    };
    folder(`${AS_OF_DIR_PREFIX}abandoned`, 10);
    folder(`${AS_OF_DIR_PREFIX}in-use`, 1);
    folder('someone-elses', 60);
    expect(sweepAbandonedAsOfFolders(tmp, 5 * 60_000)).toEqual([`${AS_OF_DIR_PREFIX}abandoned`]);
    expect(readdirSync(tmp).sort()).toEqual([`${AS_OF_DIR_PREFIX}in-use`, 'someone-elses']);
  });
});
