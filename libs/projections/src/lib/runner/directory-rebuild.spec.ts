import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@dirsync/event-store';
import { DirectoryProjection } from '../directory/directory.projection';
import { DirectoryReadModel } from '../directory/directory.read-model';
import { createDirectoryIndexes, missingSecondaryIndexes, openReadModelDb, type ReadModelDb } from '../read-model-db';
import { adoptRebuiltDirectory, directoryRebuildFile, openDirectoryRebuild } from './directory-rebuild';

const userCreated = (n: number, position: number): RecordedEvent => ({
  id: `e${n}`, streamId: `user-u${n}`, revision: 0, position, type: 'UserCreated', recordedAt: '2026-12-01T00:00:00.000Z', metadata: {},
  data: { userId: `u${n}`, profile: { identifier: `user${n}@corp`, email: `user${n}@corp.com` }, status: 'Active', securityRoles: [], genericProperties: {}, importId: 'i1', row: n + 2 },
});

describe('directory-rebuild: the directory rebuilt in a file of its own, then copied into the read models', () => {
  let dir: string;
  let readModels: ReadModelDb;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'directory-rebuild-'));
    readModels = openReadModelDb(join(dir, 'readmodels.sqlite'));
    file = directoryRebuildFile(join(dir, 'readmodels.sqlite'));
  });
  afterEach(() => {
    readModels.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What the thread's half does: users projected into the new file, and its checkpoint. */
  function rebuildUsers(users: number, { indexed }: { indexed: boolean }): void {
    const target = openDirectoryRebuild(file, readModels);
    try {
      const projection = new DirectoryProjection(target);
      target.transaction(() => {
        for (let n = 0; n < users; n++) projection.apply(userCreated(n, n + 1));
        target.prepare(`INSERT INTO projection_checkpoints (name, position) VALUES ('directory', ?)`).run(users);
      })();
      if (indexed) createDirectoryIndexes(target);
    } finally {
      target.close();
    }
  }

  const directoryCheckpoint = () => readModels.prepare<[], number>(`SELECT position FROM projection_checkpoints WHERE name = 'directory'`).pluck().get();

  it('copies the users and the checkpoint in, keeps every index and removes the file', () => {
    rebuildUsers(5, { indexed: true });

    expect(adoptRebuiltDirectory(readModels, file)).toBe(true);

    const directory = new DirectoryReadModel(readModels);
    expect(directory.count()).toBe(5);
    expect(directory.findBy('email', 'USER3@corp.com')?.id).toBe('u3');
    expect(directoryCheckpoint()).toBe(5);
    expect(missingSecondaryIndexes(readModels)).toEqual([]);
    expect(existsSync(file)).toBe(false);
    expect(statSync(join(dir, 'readmodels.sqlite-wal')).size).toBe(0); // checkpointed into the file, and truncated
  });

  it("drops the read models' directory indexes when the rebuilt file lacks them, so that the rebuild creates them after", () => {
    rebuildUsers(3, { indexed: false });

    adoptRebuiltDirectory(readModels, file);

    expect(new DirectoryReadModel(readModels).count()).toBe(3);
    expect(missingSecondaryIndexes(readModels)).toEqual(['users_by_sort_key', 'users_by_identifier_key', 'users_by_email_key', 'users_by_username_key']);
  });

  it('copies nothing when another process projected users since the reset: its rows and checkpoint stand', () => {
    rebuildUsers(5, { indexed: true });
    // What a server sharing the read models did meanwhile: its own pass over the first user event.
    readModels.transaction(() => {
      new DirectoryProjection(readModels).apply(userCreated(0, 1));
      readModels.prepare(`INSERT INTO projection_checkpoints (name, position) VALUES ('directory', 1) ON CONFLICT(name) DO UPDATE SET position = 1`).run();
    })();

    expect(adoptRebuiltDirectory(readModels, file)).toBe(false);

    expect(new DirectoryReadModel(readModels).count()).toBe(1);
    expect(directoryCheckpoint()).toBe(1);
    expect(existsSync(file)).toBe(false);
  });

  it('replaces what a rebuild that stopped half-way left', () => {
    writeFileSync(file, 'not a database');
    writeFileSync(`${file}-journal`, 'left over');

    rebuildUsers(2, { indexed: true });
    adoptRebuiltDirectory(readModels, file);

    expect(new DirectoryReadModel(readModels).count()).toBe(2);
    expect(existsSync(`${file}-journal`)).toBe(false);
  });
});
