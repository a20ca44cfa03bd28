import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importStream, userStream, type UserCreated } from '@dirsync/domain';
import { InMemoryEventStore } from '@dirsync/event-store';
import { AS_OF_DIR_PREFIX, AsOfError, directoryAsOf, isLeftBehind } from './directory-as-of';

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
      expect(readdirSync(tmp)).toEqual([expect.stringMatching(new RegExp(`^${AS_OF_DIR_PREFIX}${process.pid}-`))]); // its folder, named by this process
      expect(isLeftBehind(readdirSync(tmp)[0])).toBe(true); // …which, at its start, had none of its own yet
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

  it('tells a folder left behind (by a process that is gone, by an earlier process of this id, by an earlier version) from one a live process reads', () => {
    const alive = new Set([4242]);
    const isAlive = (pid: number) => alive.has(pid);
    expect(isLeftBehind(`${AS_OF_DIR_PREFIX}4242-Ab12Cd`, isAlive)).toBe(false);
    expect(isLeftBehind(`${AS_OF_DIR_PREFIX}4243-Ab12Cd`, isAlive)).toBe(true);
    expect(isLeftBehind(`${AS_OF_DIR_PREFIX}${process.pid}-Ab12Cd`, () => true)).toBe(true);
    expect(isLeftBehind(`${AS_OF_DIR_PREFIX}Ab12Cd`, isAlive)).toBe(true); // an earlier version's
    expect(isLeftBehind('uploads-Ab12Cd', () => false)).toBe(false); // not ours
  });

  it('asks the system whether the process that made a folder is running', () => {
    expect(isLeftBehind(`${AS_OF_DIR_PREFIX}${process.ppid}-Ab12Cd`)).toBe(false); // the parent of this test's process
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    expect(isLeftBehind(`${AS_OF_DIR_PREFIX}${gone}-Ab12Cd`)).toBe(true);
  });
});
