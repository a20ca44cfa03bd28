import { InMemoryEventStore, type EventStore } from '@dirsync/event-store';
import type { UserEvent } from '@dirsync/domain';
import { DirectoryProjection } from '../directory/directory.projection';
import { DirectoryReadModel } from '../directory/directory.read-model';
import { ImportReportProjection } from '../import-report/import-report.projection';
import { openReadModelDb, type ReadModelDb } from '../read-model-db';
import { ProjectionRunner } from './projection-runner';

const created = (userId: string, identifier: string, email: string): UserEvent => ({
  type: 'UserCreated',
  data: { userId, profile: { identifier, email }, status: 'Active', securityRoles: [], genericProperties: {}, importId: 'i1', row: 2 },
});

async function appendUser(store: EventStore, event: UserEvent, expected: number | 'no-stream' = 'no-stream') {
  await store.append(`user-${event.data.userId}`, [{ id: `${event.data.userId}-${event.type}-${expected}`, type: event.type, data: event.data }], expected);
}

describe('ProjectionRunner with the directory', () => {
  let store: EventStore;
  let db: ReadModelDb;
  let runner: ProjectionRunner;
  let directory: DirectoryReadModel;

  beforeEach(() => {
    store = new InMemoryEventStore();
    db = openReadModelDb(':memory:');
    runner = new ProjectionRunner(store, db, [new DirectoryProjection(db), new ImportReportProjection(db)]);
    directory = new DirectoryReadModel(db);
  });
  afterEach(async () => {
    await store.close();
    db.close();
  });

  it('folds user events into directory rows with the stream revision', async () => {
    await appendUser(store, created('u1', 'Ada@Corp', 'ada@corp.com'));
    await appendUser(store, { type: 'UserUpdated', data: { userId: 'u1', changes: { title: { from: undefined, to: 'CTO' } } } }, 0);
    await appendUser(store, { type: 'UserDisabled', data: { userId: 'u1', reason: 'admin', previousStatus: 'Active' } }, 1);
    await runner.catchUp();
    expect(directory.findBy('identifier', 'ada@corp')).toMatchObject({ id: 'u1', title: 'CTO', status: 'Inactive', revision: 2 });
    expect(directory.findBy('email', 'ADA@CORP.COM')?.id).toBe('u1');
  });

  it('moves the checkpoint in the same transaction as the rows, and applies each event once', async () => {
    await appendUser(store, created('u1', 'a', 'a@corp.com'));
    await runner.catchUp();
    await runner.catchUp();
    expect(directory.count()).toBe(1);
    expect(runner.position()).toBe(await store.headPosition());
  });

  it('reaches the head even when the last events belong to streams it does not read', async () => {
    await appendUser(store, created('u1', 'a', 'a@corp.com'));
    await store.append('source-1', [{ id: 'src-1', type: 'SourceConfigured', data: {} }]);
    await runner.waitFor(await store.headPosition());
    expect(runner.position()).toBe(await store.headPosition());
  });

  it('rebuilds to exactly the rows the live projection made', async () => {
    for (let i = 0; i < 30; i++) await appendUser(store, created(`u${i}`, `id${i}`, `u${i}@corp.com`));
    await appendUser(store, { type: 'UserUpdated', data: { userId: 'u3', changes: { department: { from: undefined, to: 'Ops' } } } }, 0);
    await runner.catchUp();
    const live = JSON.stringify([...directory.all()]);
    const replayed = await runner.rebuild();
    expect(replayed).toBe(31);
    expect(JSON.stringify([...directory.all()])).toBe(live);
  });
});
