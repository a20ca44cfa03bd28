import { InMemoryEventStore } from '@dirsync/event-store';
import type { UserEvent } from '@dirsync/domain';
import { openReadModelDb, type ReadModelDb } from '../read-model-db';
import { ProjectionRunner } from '../runner/projection-runner';
import { DirectoryProjection } from './directory.projection';
import { DirectoryReadModel, type ActiveUser } from './directory.read-model';

// Listing keys whose UTF-8 order differs from JavaScript's: U+1F600 is a surrogate pair in UTF-16
// (0xD83D…, below U+FFFD) but sorts after U+FFFD by its bytes, as SQLite sorts it.
const IDENTIFIERS = ['zoe@corp', '😀@corp', '\uFFFDx@corp', 'adam@corp', 'émile@corp', 'Bea@corp', 'gone@corp', 'off@corp', 'adam2@corp'];

describe('DirectoryReadModel.activeUsersWhere', () => {
  let db: ReadModelDb;
  let directory: DirectoryReadModel;

  beforeEach(async () => {
    const store = new InMemoryEventStore();
    db = openReadModelDb(':memory:');
    for (const [n, identifier] of IDENTIFIERS.entries()) {
      const created: UserEvent = {
        type: 'UserCreated',
        data: { userId: `u${n}`, profile: { identifier }, status: 'Active', securityRoles: [], genericProperties: {} },
      };
      await store.append(`user-u${n}`, [{ id: `c${n}`, type: created.type, data: created.data }]);
    }
    await store.append('user-u6', [{ id: 'd6', type: 'UserDeleted', data: { userId: 'u6' } }]);
    await store.append('user-u7', [{ id: 'x7', type: 'UserDisabled', data: { userId: 'u7', reason: 'admin', previousStatus: 'Active' } }]);
    await new ProjectionRunner(store, db, [new DirectoryProjection(db)]).catchUp();
    directory = new DirectoryReadModel(db);
  });
  afterEach(() => db.close());

  const notAdam = (user: ActiveUser) => !user.identifier?.startsWith('adam');

  it('sorts few users in memory into exactly the listing order of the index, from a scan in storage order', () => {
    const prepared = jest.spyOn(db, 'prepare');
    const few = [...directory.activeUsersWhere(notAdam)].map((u) => u.identifier);
    const statements = prepared.mock.calls.map(([sql]) => sql);
    prepared.mockRestore();

    expect(statements.some((sql) => sql.includes('ORDER BY rowid'))).toBe(true);
    expect(statements.some((sql) => sql.includes('ORDER BY sort_key'))).toBe(false);
    expect(few).toEqual([...directory.activeUsers()].filter(notAdam).map((u) => u.identifier));
    expect(few).toEqual(['bea@corp', 'zoe@corp', 'émile@corp', '\uFFFDx@corp', '😀@corp'].map((id) => IDENTIFIERS.find((i) => i.toLowerCase() === id)));
  });

  it('reads through the listing index when more users are kept than it sorts in memory', () => {
    const prepared = jest.spyOn(db, 'prepare');
    const many = [...directory.activeUsersWhere(notAdam, 2)].map((u) => u.identifier);
    const statements = prepared.mock.calls.map(([sql]) => sql);
    prepared.mockRestore();

    expect(statements.some((sql) => sql.includes('ORDER BY sort_key'))).toBe(true);
    expect(many).toEqual([...directory.activeUsers()].filter(notAdam).map((u) => u.identifier));
    expect(many).toHaveLength(5);
  });

  it('leaves out deleted and inactive users, with ids and revisions for the plan', () => {
    const all = [...directory.activeUsersWhere(() => true)];
    expect(all.map((u) => u.id).sort()).toEqual(['u0', 'u1', 'u2', 'u3', 'u4', 'u5', 'u8']);
    expect(all.every((u) => u.status === 'Active' && u.revision === 0)).toBe(true);
  });
});
