import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { RecordedEvent } from '@dirsync/event-store';
import { EtlHarness, repoRoot } from './testing/etl-harness';

/**
 * Crash safety: a real `etl import` process is killed with SIGKILL at random points of its life; `etl resume`
 * (or, when the kill came before the import was even recorded, importing again) must end with
 * exactly the events and directory of an uninterrupted run.
 */
describe('kill -9 during an import, then resume', () => {
  const ROWS = 2_000;
  const KILLS = 4;
  let h: EtlHarness;
  beforeEach(() => (h = new EtlHarness()));
  afterEach(() => h.dispose());

  function usersFile(): string {
    const lines = ['UserIdentifier,UPN,EmailId,FirstName,LastName,Title,Department,Status'];
    for (let i = 0; i < ROWS; i++) {
      lines.push(`u${i}@corp.example,u${i}@corp.example,user${i}@corp.example,First${i},Last${i},Title ${i % 17},Dept ${i % 5},${i % 13 === 0 ? 'Inactive' : 'Active'}`);
    }
    return h.file('users.csv', `${lines.join('\n')}\n`);
  }

  /** Starts `etl import` as a real process and kills it with SIGKILL after `delayMs` (if it is still running). */
  async function importKilledAfter(file: string, dataDir: string, delayMs: number): Promise<boolean> {
    const child = spawn(process.execPath, [join(repoRoot, 'tools/runtime/run.js'), join(repoRoot, 'apps/cli/src/main.ts'), 'import', file, '--json'], {
      cwd: repoRoot,
      env: { ...process.env, ETL_DATA_DIR: dataDir },
      stdio: 'ignore',
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    const [code, signal] = await once(child, 'exit');
    clearTimeout(timer);
    return signal === 'SIGKILL' && code === null;
  }

  /** Events with the run's own ids (import id, user ids) replaced by stable names, so two runs compare. */
  function normalized(events: RecordedEvent[]): string[] {
    const names = new Map<string, string>();
    for (const e of events) {
      const data = e.data as { userId?: string; importId?: string; profile?: { identifier?: string } };
      if (e.type === 'UserCreated' && data.userId) names.set(data.userId, `user:${data.profile?.identifier}`);
      if (e.type === 'ImportRequested' && data.importId) names.set(data.importId, 'the-import');
    }
    const rename = (text: string) => text.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => names.get(id) ?? id);
    // The plan blob holds this run's ids, so its checksum differs between runs; its size and every event derived from it must not.
    return events.map((e) =>
      rename(JSON.stringify([e.streamId, e.revision, e.type, e.data]))
        .replace(/"(requestedAt|completedAt|failedAt)":"[^"]*"/g, '"$1":"…"')
        .replace(/"plan":\{"sha256":"[0-9a-f]{64}"/g, '"plan":{"sha256":"…"'),
    );
  }

  function normalizedUsers(users: { id: string; createdAt: string; updatedAt: string; lastImportId: string }[]): unknown[] {
    return users.map(({ id: _id, createdAt: _c, updatedAt: _u, lastImportId: _l, ...rest }) => rest);
  }

  it('ends with exactly the events and directory of an uninterrupted run', async () => {
    const file = usersFile();
    const reference = await h.importJson(file);
    expect(reference.summary).toMatchObject({ status: 'completed', counts: { created: ROWS } });
    const expectedEvents = normalized(await h.events(''));
    const expectedUsers = normalizedUsers(await h.users());
    const referenceDir = h.dataDir;

    // How long a whole `etl import` process lives here, so the kills land while it runs.
    const timing = new EtlHarness();
    const started = Date.now();
    expect(await importKilledAfter(file, timing.dataDir, 600_000)).toBe(false);
    const lifetime = Date.now() - started;
    timing.dispose();
    process.env.ETL_DATA_DIR = referenceDir;

    const killedAt: number[] = [];
    for (let attempt = 0; attempt < KILLS; attempt++) {
      const crash = new EtlHarness();
      try {
        const delay = Math.floor(lifetime * (0.1 + Math.random() * 0.8));
        const killed = await importKilledAfter(file, crash.dataDir, delay);
        if (killed) killedAt.push(delay);
        const resumed = await crash.etl('resume', '--json');
        expect(resumed.code).toBe(0);
        if ((await crash.events('import-')).length === 0) {
          // Killed before the import was recorded: nothing happened, so the administrator imports again.
          expect(await crash.events('user-')).toEqual([]);
          await crash.importJson(file);
        }
        expect(normalized(await crash.events(''))).toEqual(expectedEvents);
        expect(normalizedUsers(await crash.users())).toEqual(expectedUsers);
      } finally {
        crash.dispose();
        process.env.ETL_DATA_DIR = referenceDir;
      }
    }
    // The random delays must have hit running imports, or the test proved nothing.
    expect(killedAt.length).toBeGreaterThan(0);
  }, 180_000);
});
