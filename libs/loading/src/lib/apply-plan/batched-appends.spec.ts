import { InMemoryEventStore, WrongExpectedRevisionError, type AppendRequest } from '@dirsync/event-store';
import { BatchedAppends } from './batched-appends';

describe('BatchedAppends', () => {
  let ids = 0;
  const id = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;
  /** A row that appends one event to `user-<name>`, expecting the stream new. */
  const row = (name: string): AppendRequest[] => [{ streamId: `user-${name}`, events: [{ id: id(), type: 'UserCreated', data: { userId: name } }], expectedRevision: 'no-stream' }];

  async function streams(store: InMemoryEventStore, names: string[]): Promise<Record<string, number | undefined>> {
    return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await store.streamRevision(`user-${name}`)] as const)));
  }

  it('leaves out a row whose stream moved, hands it over, and appends the rest of its batch', async () => {
    const store = new InMemoryEventStore();
    await store.append('user-b', [{ id: id(), type: 'UserCreated', data: { userId: 'b' } }]); // another writer came first
    const conflicts: string[] = [];
    const appends = new BatchedAppends(store, 10, undefined, (refused, _row, conflict) => conflicts.push(`${refused.streamId}: ${conflict.message}`));
    for (const name of ['a', 'b', 'c', 'd']) await appends.add(row(name));
    expect(await appends.flush()).toBe(3);
    expect(conflicts).toEqual(['user-b: Stream user-b: expected no-stream, but it is at revision 0']);
    expect(await streams(store, ['a', 'b', 'c', 'd'])).toEqual({ a: 0, b: 0, c: 0, d: 0 });
  });

  it('goes on with the next batches, counting only the events appended', async () => {
    const store = new InMemoryEventStore();
    for (const name of ['b', 'e']) await store.append(`user-${name}`, [{ id: id(), type: 'UserCreated', data: { userId: name } }]);
    const progress: number[] = [];
    const left: string[] = [];
    const appends = new BatchedAppends(store, 2, (appended) => progress.push(appended), (refused) => left.push(refused.streamId));
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) await appends.add(row(name));
    expect(await appends.flush()).toBe(4);
    expect(left).toEqual(['user-b', 'user-e']);
    expect(progress.at(-1)).toBe(4);
  });

  it('keeps the other requests of the row (a catalog entry it defines), leaving out only the stream that moved', async () => {
    const store = new InMemoryEventStore();
    await store.append('user-b', [{ id: id(), type: 'UserCreated', data: { userId: 'b' } }]);
    const catalog: AppendRequest = { streamId: 'catalog', events: [{ id: id(), type: 'CatalogEntryDefined', data: { kind: 'role', name: 'Auditor' } }], expectedRevision: 'any' };
    const refused: string[] = [];
    const appends = new BatchedAppends(store, 10, undefined, (request, row) => refused.push(`${request.streamId} of ${row.map((r) => r.streamId).join('+')}`));
    await appends.add([catalog, ...row('b')]);
    await appends.add(row('c'));
    expect(await appends.flush()).toBe(2);
    expect(refused).toEqual(['user-b of catalog+user-b']);
    expect(await store.streamRevision('catalog')).toBe(0);
    expect(await store.streamRevision('user-c')).toBe(0);
  });

  it('throws the conflict when no one handles it (a revert), appending nothing of that batch', async () => {
    const store = new InMemoryEventStore();
    await store.append('user-b', [{ id: id(), type: 'UserCreated', data: { userId: 'b' } }]);
    const appends = new BatchedAppends(store, 10);
    for (const name of ['a', 'b']) await appends.add(row(name));
    await expect(appends.flush()).rejects.toThrow(WrongExpectedRevisionError);
    expect(await store.streamRevision('user-a')).toBeUndefined();
  });
});
