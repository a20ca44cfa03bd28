import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EVENT_STORE, type AppendRequest, type EventStore } from '@dirsync/event-store';
import { DeleteUserService } from '@dirsync/loading';
import { DirectoryReadModel, ImportReportReadModel, ProjectionRunner } from '@dirsync/projections';
import { ImportRunner } from './import-runner.service';
import { PipelineModule } from './pipeline.module';
import { loadSettings } from './settings';

/**
 * An import applied while another writer changes one of its users: that row is left out and
 * reported, the rest of the plan is applied, and importing the file again applies the row.
 */
describe('applying a plan while another writer changes a user', () => {
  let dataDir: string;
  let app: INestApplicationContext;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'apply-conflicts-'));
    app = await NestFactory.createApplicationContext(
      PipelineModule.forRoot({ settings: loadSettings({ ETL_DATA_DIR: dataDir }), stages: { transformation: true, loading: true, projections: false } }),
      { logger: false },
    );
  });
  afterEach(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const people = (title: string) =>
    `UserIdentifier,UPN,EmailId,Title\n${['ada', 'bob', 'cy'].map((name) => `${name}@corp,${name}@corp,${name}@corp.com,${title}`).join('\n')}\n`;
  const runImport = (name: string, content: string) => {
    const filePath = join(dataDir, name);
    writeFileSync(filePath, content);
    return app.get(ImportRunner).run({ filePath, fileName: name, source: { kind: 'cli' }, requestedBy: 'test' });
  };
  const users = async () => {
    await app.get(ProjectionRunner).catchUp();
    return app.get(DirectoryReadModel).list({ includeDeleted: true }).items.map((user) => `${user.identifier}:${user.title}${user.deleted ? ':deleted' : ''}`);
  };

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
});
