import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importStream, userStream } from '@dirsync/domain';
import { InMemoryEventStore } from '@dirsync/event-store';
import { AsOfError, type UserPage } from '@dirsync/projections';
import type { AdminApiOptions } from '../admin-api.options';
import { AsOfDirectories } from './as-of-directories';

describe('AsOfDirectories', () => {
  let ids = 0;
  const id = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;

  /** imp-1 completes with ada; imp-2 with ada and bob; imp-3 is requested and not completed. */
  async function storeWithHistory(): Promise<InMemoryEventStore> {
    const store = new InMemoryEventStore();
    const user = (userId: string, identifier: string) =>
      store.append(userStream(userId), [{ id: id(), type: 'UserCreated', data: { userId, profile: { identifier }, status: 'Active', securityRoles: [], genericProperties: {} } }]);
    const completed = (importId: string) =>
      store.append(importStream(importId), [{ id: id(), type: 'ImportCompleted', data: { importId, counts: {}, dryRun: false, completedAt: '2026-12-07T10:00:00.000Z' } }]);
    await user('u-1', 'ada@corp');
    await completed('imp-1');
    await user('u-2', 'bob@corp');
    await completed('imp-2');
    await store.append(importStream('imp-3'), [{ id: id(), type: 'ImportRequested', data: { importId: 'imp-3' } }]);
    return store;
  }

  /** Counts the directories built (each reads the log's user events once) and how many at once. */
  function countBuilds(store: InMemoryEventStore) {
    const counts = { builds: 0, running: 0, mostAtOnce: 0 };
    const readAll = store.readAll.bind(store);
    store.readAll = async function* (...args: Parameters<InMemoryEventStore['readAll']>) {
      counts.builds++;
      counts.mostAtOnce = Math.max(counts.mostAtOnce, ++counts.running);
      try {
        for await (const event of readAll(...args)) {
          await new Promise((resolve) => setImmediate(resolve)); // another request may come in meanwhile
          yield event;
        }
      } finally {
        counts.running--;
      }
    };
    return counts;
  }

  const identifiers = (page: UserPage) => page.items.map((user) => user.identifier);

  it('builds a directory once for the pages of one listing', async () => {
    const store = await storeWithHistory();
    const counts = countBuilds(store);
    const directories = new AsOfDirectories(store);
    expect(identifiers(await directories.list('imp-2', { limit: 1 }))).toEqual(['ada@corp']);
    expect(identifiers(await directories.list('imp-2', { offset: 1, limit: 1 }))).toEqual(['bob@corp']);
    expect(counts.builds).toBe(1);
    directories.onModuleDestroy();
  });

  it('builds one directory at a time, each request getting its own import', async () => {
    const store = await storeWithHistory();
    const counts = countBuilds(store);
    const directories = new AsOfDirectories(store);
    const [first, second, firstAgain] = await Promise.all([directories.list('imp-1', {}), directories.list('imp-2', {}), directories.list('imp-1', {})]);
    expect([identifiers(first), identifiers(second), identifiers(firstAgain)]).toEqual([['ada@corp'], ['ada@corp', 'bob@corp'], ['ada@corp']]);
    expect(counts.mostAtOnce).toBe(1);
    expect(counts.builds).toBe(3);
    directories.onModuleDestroy();
  });

  it('builds in the scratch folder, removes what it replaces, and sweeps what stopped processes left there', async () => {
    const scratchDir = mkdtempSync(join(tmpdir(), 'as-of-scratch-'));
    try {
      const anotherServer = 'dirsync-as-of-Xy12Zw'; // marked in use a minute ago
      for (const [name, minutesAgo] of [['dirsync-as-of-left-behind', 30], ['dirsync-as-of-Ab12Cd', 6], [anotherServer, 1]] as const) {
        mkdirSync(join(scratchDir, name));
        const markedAt = new Date(Date.now() - minutesAgo * 60_000);
        utimesSync(join(scratchDir, name), markedAt, markedAt);
      }
      writeFileSync(join(scratchDir, 'not-ours'), '');
      const directories = new AsOfDirectories(await storeWithHistory(), { scratchDir } as AdminApiOptions);
      directories.onModuleInit();
      expect(readdirSync(scratchDir).sort()).toEqual([anotherServer, 'not-ours']);
      rmSync(join(scratchDir, anotherServer), { recursive: true });
      await directories.list('imp-1', {});
      expect(readdirSync(scratchDir).filter((name) => name.startsWith('dirsync-as-of-'))).toHaveLength(1);
      await directories.list('imp-2', {});
      await new Promise((resolve) => setImmediate(resolve)); // the replaced one closes once its build has settled
      expect(readdirSync(scratchDir).filter((name) => name.startsWith('dirsync-as-of-'))).toHaveLength(1);
      directories.onModuleDestroy();
      await new Promise((resolve) => setImmediate(resolve));
      expect(readdirSync(scratchDir)).toEqual(['not-ours']);
    } finally {
      rmSync(scratchDir, { recursive: true, force: true });
    }
  });

  it('sweeps again every five minutes while it runs, and stops when the module is destroyed', () => {
    const scratchDir = mkdtempSync(join(tmpdir(), 'as-of-scratch-'));
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const directories = new AsOfDirectories(new InMemoryEventStore(), { scratchDir } as AdminApiOptions);
      directories.onModuleInit();
      rmSync(scratchDir, { recursive: true }); // the scratch folder removed while it runs
      jest.advanceTimersByTime(5 * 60_000);
      expect(readdirSync(scratchDir)).toEqual([]); // made again by the sweep at five minutes, with no error
      jest.advanceTimersByTime(30_000);
      mkdirSync(join(scratchDir, 'dirsync-as-of-Ab12Cd'));
      utimesSync(join(scratchDir, 'dirsync-as-of-Ab12Cd'), new Date(), new Date()); // marked at 5:30 (the fake clock's), by a process that then stops
      jest.advanceTimersByTime(4.5 * 60_000);
      expect(readdirSync(scratchDir)).toEqual(['dirsync-as-of-Ab12Cd']); // at ten minutes, marked 4.5 minutes before
      jest.advanceTimersByTime(5 * 60_000);
      expect(readdirSync(scratchDir)).toEqual([]); // at fifteen
      directories.onModuleDestroy();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
      rmSync(scratchDir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown or unfinished import, keeping nothing for it', async () => {
    const store = await storeWithHistory();
    const directories = new AsOfDirectories(store);
    await expect(directories.list('nope', {})).rejects.toThrow(AsOfError);
    await expect(directories.list('imp-3', {})).rejects.toThrow(/has not completed/);
    await store.append(importStream('imp-3'), [{ id: id(), type: 'ImportCompleted', data: { importId: 'imp-3', counts: {}, dryRun: false, completedAt: '2026-12-07T11:00:00.000Z' } }]);
    expect(identifiers(await directories.list('imp-3', {}))).toEqual(['ada@corp', 'bob@corp']);
    directories.onModuleDestroy();
  });
});
