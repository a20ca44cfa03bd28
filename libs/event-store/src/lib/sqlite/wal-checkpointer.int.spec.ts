import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteFile } from './sqlite-file';
import { WalCheckpointer } from './wal-checkpointer';
import { eventually } from '../eventually';

const ROW_BYTES = 4_000;

describe('WalCheckpointer', () => {
  let dir: string;
  let file: string;
  let writer: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'));
    file = join(dir, 'store.sqlite');
    writer = openSqliteFile(file);
    // The writer never checkpoints: only the thread can move pages from the WAL into the file.
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  });
  afterEach(() => {
    if (writer.open) writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (rows: number) => {
    const insert = writer.prepare('INSERT INTO rows (body) VALUES (?)');
    writer.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run('x'.repeat(ROW_BYTES));
    })();
  };
  const fileBytes = () => statSync(file).size;

  it('copies what a writer commits into the database file while the writer goes on', async () => {
    const before = fileBytes();
    const checkpointer = WalCheckpointer.start([file], { intervalMs: 10 });
    await checkpointer.ready;
    try {
      for (let batch = 0; batch < 10; batch++) {
        write(100);
        await sleep(5);
      }
      // About 4 MB committed: the file holds them once the thread has copied them.
      await eventually(() => fileBytes() >= before + 10 * 100 * ROW_BYTES);
    } finally {
      await checkpointer.stop();
    }
    expect(writer.prepare('SELECT count(*) AS n FROM rows').get()).toEqual({ n: 1_000 });
  });

  it('checkpoints nothing once stopped', async () => {
    const checkpointer = WalCheckpointer.start([file], { intervalMs: 10 });
    write(100);
    await eventually(() => fileBytes() >= 100 * ROW_BYTES);
    await checkpointer.stop();
    const stoppedAt = fileBytes();
    write(500);
    await sleep(200);
    expect(fileBytes()).toBe(stoppedAt);
  });

  it('reports a file it cannot open, and stops', async () => {
    let report: (error: Error) => void = () => undefined;
    const reported = new Promise<Error>((resolve) => (report = resolve));
    const checkpointer = WalCheckpointer.start([join(dir, 'missing.sqlite')], { onError: (error) => report(error) });
    expect((await reported).message).toMatch(/missing\.sqlite: unable to open database file/);
    await expect(checkpointer.ready).rejects.toThrow('stopped before its first checkpoint');
    await checkpointer.stop(); // resolves: the thread has ended
  });
});
