import type { UserEvent } from './events';
import { decideRevert, type UserHistoryEntry } from './revert';

const history = (...events: UserEvent[]): UserHistoryEntry[] => events.map((event, revision) => ({ revision, event }));
const created = (importId: string): UserEvent => ({
  type: 'UserCreated',
  data: { userId: 'u', profile: { identifier: 'u', title: 'Engineer', department: 'R&D' }, status: 'Active', securityRoles: [], genericProperties: {}, importId },
});

describe('decideRevert', () => {
  it('disables a user the import created', () => {
    const decision = decideRevert(history(created('i1')), 'i1', 'r1');
    expect(decision.events).toEqual([{ type: 'UserDisabled', data: { userId: 'u', reason: 'revert', previousStatus: 'Active', importId: 'r1' } }]);
    expect(decision.expectedRevision).toBe(0);
  });

  it('restores each field and status the import changed', () => {
    const decision = decideRevert(
      history(
        created('i0'),
        { type: 'UserUpdated', data: { userId: 'u', changes: { title: { from: 'Engineer', to: 'Lead' } }, importId: 'i1' } },
        { type: 'UserDisabled', data: { userId: 'u', reason: 'missing-from-file', previousStatus: 'Active', importId: 'i1' } },
      ),
      'i1',
      'r1',
    );
    expect(decision.events.map((e) => e.type)).toEqual(['UserUpdated', 'UserReactivated']);
    expect(decision.events[0].data).toMatchObject({ changes: { title: { from: 'Lead', to: 'Engineer' } } });
    expect(decision.conflicts).toEqual([]);
  });

  it('leaves alone, as a conflict, what a later event changed again', () => {
    const decision = decideRevert(
      history(
        created('i0'),
        { type: 'UserUpdated', data: { userId: 'u', changes: { title: { from: 'Engineer', to: 'Lead' }, department: { from: 'R&D', to: 'Ops' } }, importId: 'i1' } },
        { type: 'UserUpdated', data: { userId: 'u', changes: { title: { from: 'Lead', to: 'CTO' } }, importId: 'i2' } },
      ),
      'i1',
      'r1',
    );
    expect(decision.events).toEqual([
      { type: 'UserUpdated', data: { userId: 'u', changes: { department: { from: 'Ops', to: 'R&D' } }, importId: 'r1' } },
    ]);
    expect(decision.conflicts).toEqual(['title was changed after the import; left as it is']);
  });
});
