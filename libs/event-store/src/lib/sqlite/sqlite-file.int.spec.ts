import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { lockExclusively } from './sqlite-file';

describe('lockExclusively', () => {
  let dir: string;
  let lockFile: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-lock-'));
    lockFile = join(dir, 'nested', 'work.lock');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second holder in the same process until the first releases', () => {
    const release = lockExclusively(lockFile);
    expect(release).toBeInstanceOf(Function);
    expect(lockExclusively(lockFile)).toBeUndefined();
    release?.();
    release?.(); // a second release does nothing
    const again = lockExclusively(lockFile);
    expect(again).toBeInstanceOf(Function);
    again?.();
  });

  it('refuses while another process holds it, and grants it once that process is killed without releasing', async () => {
    const holder = await holdInChild(lockFile);
    try {
      expect(lockExclusively(lockFile)).toBeUndefined();
    } finally {
      await kill(holder);
    }
    const release = lockExclusively(lockFile);
    expect(release).toBeInstanceOf(Function);
    release?.();
  });
});

/** A Node process that takes the lock, says so, and keeps it until killed. */
function holdInChild(file: string): Promise<ChildProcess> {
  const script = `
    const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))});
    require('node:fs').mkdirSync(${JSON.stringify(dirname(file))}, { recursive: true });
    const db = new Database(${JSON.stringify(file)}, { timeout: 0 });
    db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('held\\n');
    setInterval(() => undefined, 60_000);`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the lock holder exited with ${code}`)));
    child.stdout?.once('data', () => resolve(child));
  });
}

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}
