import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportOptions } from '@dirsync/domain';
import { createEventStore, EVENT_STORE, EventStoreUnavailableError, type AppendRequest, type EventStore } from '@dirsync/event-store';
import { ImportLog } from '@dirsync/import-log';
import { DeleteUserService, ImportDecisionService } from '@dirsync/loading';
import { DirectoryReadModel, ImportReportReadModel, ProjectionRunner } from '@dirsync/projections';
import { RequestImportService } from '@dirsync/extraction';
import { ImportRunner } from './import-runner.service';
import { PipelineModule } from './pipeline.module';
import { loadSettings } from './settings';

// Whole imports through the pipeline, one of 2,500 rows, and restarts: slower than the default 5 s allows.
jest.setTimeout(60_000);

/**
 * An import applied while another writer changes one of its users: that row is left out and
 * reported, the rest of the plan is applied, and importing the file again applies the row.
 */
describe('applying a plan while another writer changes a user', () => {
  let dataDir: string;
  let app: INestApplicationContext;
  /** A process of the pipeline on the data dir (guards as in ETL_GUARD_MAX_DISABLES). */
  const boot = (maxDisables = '500') =>
    NestFactory.createApplicationContext(
      PipelineModule.forRoot({
        settings: loadSettings({ ETL_DATA_DIR: dataDir, ETL_GUARD_MAX_DISABLES: maxDisables }),
        stages: { transformation: true, loading: true, projections: false },
      }),
      { logger: false },
    );
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'apply-conflicts-'));
    app = await boot();
  });
  afterEach(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const people = (title: string, names = ['ada', 'bob', 'cy']) =>
    `UserIdentifier,UPN,EmailId,Title\n${names.map((name) => `${name}@corp,${name}@corp,${name}@corp.com,${title}`).join('\n')}\n`;
  const runImport = (name: string, content: string, options: Partial<ImportOptions> = {}) => {
    const filePath = join(dataDir, name);
    writeFileSync(filePath, content);
    return app.get(ImportRunner).run({ filePath, fileName: name, options, source: { kind: 'cli' }, requestedBy: 'test' });
  };
  const users = async () => {
    await app.get(ProjectionRunner).catchUp();
    return app.get(DirectoryReadModel).list({ includeDeleted: true }).items.map((user) => `${user.identifier}:${user.title}${user.deleted ? ':deleted' : ''}`);
  };

  /**
   * The process dies at the `nth` append that `matches`: from then on nothing reaches the store
   * (not even the import's failure). `beforeFirst` runs just before the first such append goes
   * through. Resolves once the process died, with it closed.
   */
  async function dieAt(
    nth: number,
    matches: (requests: AppendRequest[]) => boolean,
    start: () => Promise<unknown>,
    beforeFirst: () => Promise<unknown> = async () => undefined,
  ): Promise<void> {
    const store = app.get<EventStore>(EVENT_STORE);
    const appendBatch = store.appendBatch.bind(store);
    let seen = 0;
    let dead = false;
    store.appendBatch = async (requests: AppendRequest[]) => {
      if (!dead && matches(requests) && ++seen === 1) await beforeFirst();
      if (!dead && seen === nth) dead = true;
      if (dead) throw new EventStoreUnavailableError('the process stopped (simulated)');
      return appendBatch(requests);
    };
    await start();
    for (const deadline = Date.now() + 20_000; !dead && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(dead).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 200)); // the stage gives up on the import
    await app.close();
  }

  /** An administrator deletes the user while no process of the pipeline runs. */
  async function deleteBetweenProcesses(userId: string): Promise<void> {
    const direct = createEventStore({ kind: 'sqlite', file: join(dataDir, 'events.sqlite') });
    await new DeleteUserService(direct).delete(userId, 'admin');
    await direct.close();
  }

  /** The next process finishes the import. */
  async function resume(importId: string, maxDisables?: string): Promise<void> {
    app = await boot(maxDisables);
    await new ImportLog(app.get<EventStore>(EVENT_STORE)).waitUntilSettled(importId);
    await app.get(ProjectionRunner).catchUp();
  }

  it('leaves out the row whose user changed, applies the others, and reports the row as not applied', async () => {
    await runImport('first.csv', people('Engineer'));
    const bob = app.get(DirectoryReadModel).findBy('identifier', 'bob@corp');
    if (!bob) throw new Error('bob was not created');

    // Another writer deletes bob just before the plan's events reach the store (as an administrator
    // could while a large import is applied): the plan expected bob's stream where it was.
    const store = app.get<EventStore>(EVENT_STORE);
    const appendBatch = store.appendBatch.bind(store);
    let deleted = false;
    store.appendBatch = async (requests: AppendRequest[]) => {
      if (!deleted && requests.some((request) => request.streamId === `user-${bob.id}`)) {
        deleted = true;
        await app.get(DeleteUserService).delete(bob.id, 'admin');
      }
      return appendBatch(requests);
    };

    const second = await runImport('second.csv', people('Lead'));
    expect(second).toMatchObject({ status: 'completed', counts: { updated: 2, rejected: 1 } });
    expect(await users()).toEqual(['ada@corp:Lead', 'bob@corp:Engineer:deleted', 'cy@corp:Lead']);
    const rows = app.get(ImportReportReadModel).rows(second.id).items;
    expect(rows.map((row) => `${row.row}:${row.outcome}`)).toEqual(['2:updated', '3:rejected', '4:updated']);
    expect(rows[1].reasons).toEqual([expect.stringMatching(new RegExp(`^not applied: another writer changed user ${bob.id} while this import was applied .*import the file again to apply this row$`))]);
    expect(rows[1].changes).toBeNull();

    // Imported again, the row is decided against bob as he is now: deleted, so skipped with the reason.
    const third = await runImport('third.csv', people('Lead'));
    expect(third).toMatchObject({ status: 'completed', counts: { skipped: 3, rejected: 0 } });
    expect(app.get(ImportReportReadModel).rows(third.id).items[1].reasons).toEqual(['user is deleted; it is restored only with "activate deleted"']);
  });

  it('resumes an approved import stopped half-way without planning it again, and leaves out a user changed while it was stopped', async () => {
    await app.close();
    app = await boot('2');
    await runImport('first.csv', people('Engineer', ['ada', 'bob', 'cy', 'dan']));
    // Ada and 2,500 new users (two batches of the apply), with "disable missing": bob, cy and dan would go, so it waits.
    const hires = Array.from({ length: 2_500 }, (_, i) => `new${i}@corp,new${i}@corp,new${i}@corp.com,Hire`).join('\n');
    const held = await runImport('hires.csv', `UserIdentifier,UPN,EmailId,Title\nada@corp,ada@corp,ada@corp.com,Engineer\n${hires}\n`, { disableMissing: true });
    expect(held).toMatchObject({ status: 'awaiting-approval', counts: { created: 2_500, skipped: 1, disabled: 3 } });
    const [cy, dan] = ['cy@corp', 'dan@corp'].map((identifier) => app.get(DirectoryReadModel).findBy('identifier', identifier));
    if (!cy || !dan) throw new Error('cy and dan were not created');

    // Approved, the apply stops after its first batch as if the process died. Just before that
    // batch (after the check for changes since the plan), an administrator deletes dan, whose
    // disable the plan holds; and while no process runs, cy.
    const userEvents = (requests: AppendRequest[]) => requests.some((request) => request.streamId.startsWith('user-') && !request.streamId.endsWith(dan.id));
    const deleteDan = () => app.get(DeleteUserService).delete(dan.id, 'admin');
    await dieAt(2, userEvents, () => app.get(ImportDecisionService).approve(held.id, 'admin'), deleteDan);
    await deleteBetweenProcesses(cy.id);

    // The next process resumes the import from the same plan: the 2,000 users created before the stop stay created in its report.
    await resume(held.id, '2');
    const summary = app.get(ImportReportReadModel).get(held.id);
    expect(summary).toMatchObject({ status: 'completed', counts: { created: 2_500, skipped: 1, disabled: 1, rejected: 2 } });
    const rows = app.get(ImportReportReadModel).rows(held.id, 0, 10_000).items;
    expect(rows.filter((row) => row.outcome === 'created')).toHaveLength(2_500);
    for (const deleted of [dan, cy]) {
      expect(rows.find((row) => row.userId === deleted.id)).toMatchObject({ outcome: 'rejected', reasons: [expect.stringMatching(/^not applied: another writer changed user/)] });
    }
    expect(app.get(DirectoryReadModel).countActive()).toBe(2_501); // ada and the new users; bob disabled, cy and dan deleted
  });

  it('plans again under a new number after a crash during planning, so no row result of the stopped plan stays in the report', async () => {
    const many = (title: string) =>
      `UserIdentifier,UPN,EmailId,Title\n${Array.from({ length: 2_500 }, (_, i) => `u${i}@corp,u${i}@corp,u${i}@corp.com,${title}`).join('\n')}\n`;
    await runImport('first.csv', many('Engineer'));
    const u1 = app.get(DirectoryReadModel).findBy('identifier', 'u1@corp');
    if (!u1) throw new Error('u1 was not created');

    // The process dies while the second import's row results are recorded (2,000 rows an append):
    // the first 2,000, with u1 to be updated, are in the log; nothing after them.
    const rowResults = (requests: AppendRequest[]) => requests.some((request) => request.events.some((event) => event.type === 'ImportRowsPlanned'));
    const filePath = join(dataDir, 'second.csv');
    writeFileSync(filePath, many('Lead'));
    let importId = '';
    await dieAt(2, rowResults, async () => {
      importId = await app.get(RequestImportService).request({ filePath, fileName: 'second.csv', source: { kind: 'cli' }, requestedBy: 'test' });
    });
    // Meanwhile an administrator deletes u1.
    await deleteBetweenProcesses(u1.id);

    await resume(importId);
    const reports = app.get(ImportReportReadModel);
    const rows = reports.rows(importId, 0, 10_000).items;
    expect(rows).toHaveLength(2_500);
    expect(rows[1]).toMatchObject({ row: 3, key: 'u1@corp', outcome: 'skipped', reasons: ['user is deleted; it is restored only with "activate deleted"'] });
    expect(reports.get(importId)).toMatchObject({ status: 'completed', counts: { updated: 2_499, skipped: 1 } });
  });
});
