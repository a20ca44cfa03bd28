import type { UserEvent } from './events';
import { DEFAULT_IMPORT_OPTIONS, type ImportOptions } from './import-options';
import { decideDeletion, decideRow, diffUser, evolveUser, outcomeOfEvents, type RowDecision, type RowFacts } from './user-decider';
import type { UserRecord, UserState } from './user';

// Given past events of a user, when a row is decided, then these events and outcome follow.
function given(...history: UserEvent[]) {
  const current = history.reduce<UserState | undefined>(evolveUser, undefined);
  return {
    when(record: Partial<UserRecord> & Pick<UserRecord, 'profile'>, facts: Partial<RowFacts> = {}, options: Partial<ImportOptions> = {}) {
      const decision = decideRow(
        { row: 2, ...record },
        { current, newUserId: 'u-new', ...facts },
        { ...DEFAULT_IMPORT_OPTIONS, ...options },
        { importId: 'imp-1' },
      );
      return { then: (check: (decision: RowDecision) => void) => check(decision) };
    },
  };
}

const ada: UserEvent = {
  type: 'UserCreated',
  data: {
    userId: 'u-1',
    profile: { identifier: 'ada@corp', upn: 'ada@corp', email: 'ada@corp.com', firstName: 'Ada', title: 'Engineer', language: 'en' },
    status: 'Active',
    securityRoles: ['Reader'],
    genericProperties: { LN: '7' },
  },
};

describe('outcomeOfEvents', () => {
  const disabled: UserEvent = { type: 'UserDisabled', data: { userId: 'u-1', reason: 'status-in-file', previousStatus: 'Active' } };
  const deleted: UserEvent = { type: 'UserDeleted', data: { userId: 'u-1' } };
  // Each decision that changes something, and the outcome its events alone give back.
  const cases: [string, RowDecision][] = [];
  const decided = (name: string) => (decision: RowDecision) => void cases.push([name, decision]);
  given().when({ profile: { identifier: 'b' } }).then(decided('created'));
  given(ada).when({ profile: { identifier: 'ada@corp', title: 'CTO' } }).then(decided('updated'));
  given(ada).when({ profile: { identifier: 'ada@corp', title: 'CTO' }, status: 'Inactive' }).then(decided('updated and disabled'));
  given(ada, disabled).when({ profile: { identifier: 'ada@corp' }, status: 'Active' }).then(decided('reactivated'));
  given(ada, deleted).when({ profile: { identifier: 'ada@corp', title: 'CTO' } }, {}, { activateDeleted: true }).then(decided('restored and updated'));
  given(ada, deleted).when({ profile: { identifier: 'ada@corp' }, status: 'Inactive' }, {}, { activateDeleted: true }).then(decided('restored as inactive'));

  it.each(cases)('gives back the outcome of a row %s', (_name, decision) =>
    expect(outcomeOfEvents(decision.events.map((event) => event.type))).toBe(decision.outcome));

  it('calls disabling a user missing from the file a disable', () => expect(outcomeOfEvents(['UserDisabled'])).toBe('disabled'));
});

describe('decideRow', () => {
  it('creates an unknown user with the default language and the generated username', () =>
    given()
      .when({ profile: { identifier: 'bob@corp', email: 'Bob.Smith@corp.com' } }, { generatedUsername: 'bob.smith' }, { defaultLanguage: 'es' })
      .then((d) => {
        expect(d.outcome).toBe('created');
        expect(d.events).toEqual([
          {
            type: 'UserCreated',
            data: {
              userId: 'u-new',
              profile: { identifier: 'bob@corp', email: 'Bob.Smith@corp.com', username: 'bob.smith', language: 'es' },
              status: 'Active',
              securityRoles: [],
              genericProperties: {},
              importId: 'imp-1',
              row: 2,
            },
          },
        ]);
      }));

  it('keeps the language and username the row gives', () =>
    given()
      .when({ profile: { identifier: 'b', username: 'bobby', language: 'pt-BR' } }, { generatedUsername: 'ignored' })
      .then((d) => expect(d.events[0].data).toMatchObject({ profile: { username: 'bobby', language: 'pt-BR' } })));

  it('needs a new id only to create: a matched user is updated without one, a creation without one is refused', () => {
    given(ada)
      .when({ profile: { identifier: 'ada@corp', title: 'Lead' } }, { newUserId: undefined })
      .then((d) => expect(d).toMatchObject({ outcome: 'updated', userId: 'u-1' }));
    expect(() => given().when({ profile: { identifier: 'bob@corp' } }, { newUserId: undefined })).toThrow('row 2 creates a user, but no id was chosen');
  });

  it('creates new users as Draft with "create in draft", whatever the status column says', () =>
    given()
      .when({ profile: { identifier: 'b' }, status: 'Active' }, {}, { createDraft: true })
      .then((d) => expect(d.events[0].data).toMatchObject({ status: 'Draft' })));

  it('updates only the changed fields, each with from and to', () =>
    given(ada)
      .when({ profile: { identifier: 'ada@corp', firstName: 'Ada', title: 'Director' } })
      .then((d) => {
        expect(d.outcome).toBe('updated');
        expect(d.events).toEqual([
          { type: 'UserUpdated', data: { userId: 'u-1', changes: { title: { from: 'Engineer', to: 'Director' } }, importId: 'imp-1', row: 2 } },
        ]);
        expect(d.reasons).toEqual(['changed: title']);
      }));

  it('skips a row that changes nothing and writes no event', () =>
    given(ada)
      .when({ profile: { identifier: 'ada@corp', email: 'ada@corp.com' }, securityRoles: ['Reader'], genericProperties: { LN: '7' } })
      .then((d) => {
        expect(d.outcome).toBe('skipped');
        expect(d.events).toEqual([]);
        expect(d.reasons).toEqual(['unchanged']);
      }));

  it('keeps the stored value where the row leaves a cell blank', () =>
    given(ada)
      .when({ profile: { identifier: 'ada@corp' } })
      .then((d) => expect(d.outcome).toBe('skipped')));

  it('skips existing users when "update existing" is off', () =>
    given(ada)
      .when({ profile: { identifier: 'ada@corp', title: 'Director' } }, {}, { updateExisting: false })
      .then((d) => {
        expect(d.outcome).toBe('skipped');
        expect(d.reasons[0]).toMatch(/update existing/);
      }));

  it('disables a user whose status in the file is Inactive', () =>
    given(ada)
      .when({ profile: { identifier: 'ada@corp' }, status: 'Inactive' })
      .then((d) => {
        expect(d.outcome).toBe('disabled');
        expect(d.events).toEqual([
          { type: 'UserDisabled', data: { userId: 'u-1', reason: 'status-in-file', previousStatus: 'Active', importId: 'imp-1', row: 2 } },
        ]);
      }));

  it('reactivates an inactive user whose status in the file is Active', () =>
    given(ada, { type: 'UserDisabled', data: { userId: 'u-1', reason: 'admin', previousStatus: 'Active' } })
      .when({ profile: { identifier: 'ada@corp' }, status: 'Active' })
      .then((d) => {
        expect(d.outcome).toBe('reactivated');
        expect(d.events.map((e) => e.type)).toEqual(['UserReactivated']);
      }));

  it('skips a deleted user, with the reason, unless "activate deleted" is on', () =>
    given(ada, { type: 'UserDeleted', data: { userId: 'u-1' } })
      .when({ profile: { identifier: 'ada@corp' } })
      .then((d) => {
        expect(d.outcome).toBe('skipped');
        expect(d.reasons[0]).toMatch(/deleted/);
      }));

  it('restores a deleted user with "activate deleted"', () =>
    given(ada, { type: 'UserDeleted', data: { userId: 'u-1' } })
      .when({ profile: { identifier: 'ada@corp', title: 'CTO' } }, {}, { activateDeleted: true })
      .then((d) => {
        expect(d.outcome).toBe('reactivated');
        expect(d.events.map((e) => e.type)).toEqual(['UserRestored', 'UserUpdated']);
      }));

  it('rejects a row whose e-mail belongs to someone else, naming them', () =>
    given()
      .when({ profile: { identifier: 'b', email: 'ada@corp.com' } }, { emailTakenBy: 'user ada@corp' })
      .then((d) => {
        expect(d.outcome).toBe('rejected');
        expect(d.events).toEqual([]);
        expect(d.reasons).toEqual(['e-mail address is already used by user ada@corp']);
      }));

  it('rejects a row whose identifier belongs to someone else, naming them', () =>
    given()
      .when({ profile: { identifier: 'ada@corp', email: 'ada@other.com' } }, { identifierTakenBy: 'user ada@corp.com' })
      .then((d) => {
        expect(d.outcome).toBe('rejected');
        expect(d.events).toEqual([]);
        expect(d.reasons).toEqual(['identifier is already used by user ada@corp.com']);
      }));

  it('rejects a key repeated in the file, naming the first row', () =>
    given()
      .when({ profile: { identifier: 'b' } }, { duplicateOfRow: 2 })
      .then((d) => expect(d.reasons).toEqual(['the same key already appears at row 2'])));

  it('does not save an unknown manager and warns on the row', () =>
    given(ada)
      .when({ profile: { identifier: 'ada@corp', managerEmail: 'ghost@corp.com', title: 'Lead' } }, { managerUnknown: true })
      .then((d) => {
        expect(d.outcome).toBe('updated');
        expect(Object.keys((d.events[0].data as { changes: object }).changes)).toEqual(['title']);
        expect(d.warnings).toEqual(['manager "ghost@corp.com" is not a user of the directory; it was not saved']);
      }));

  it('merges generic properties and replaces the set of security roles', () =>
    given(ada)
      .when({ profile: { identifier: 'ada@corp' }, securityRoles: ['Writer'], genericProperties: { Site: 'Paris' } })
      .then((d) =>
        expect(d.changes).toEqual({
          securityRoles: { from: ['Reader'], to: ['Writer'] },
          genericProperties: { from: { LN: '7' }, to: { LN: '7', Site: 'Paris' } },
        }),
      ));
});

describe('evolveUser', () => {
  it('applies every change and tracks the stream revision', () => {
    const state = [
      ada,
      { type: 'UserUpdated', data: { userId: 'u-1', changes: { title: { from: 'Engineer', to: 'CTO' } } } },
      { type: 'UserDisabled', data: { userId: 'u-1', reason: 'admin', previousStatus: 'Active' } },
    ].reduce<UserState | undefined>((s, e) => evolveUser(s, e as UserEvent), undefined);
    expect(state).toMatchObject({ id: 'u-1', title: 'CTO', status: 'Inactive', revision: 2, deleted: false });
  });

  it('creates a state with exactly the fields its event gives, profile fields in their canonical order', () => {
    // The profile arrives out of order, as parsed JSON may have it; absent fields stay absent (no undefined keys).
    const created: UserEvent = {
      type: 'UserCreated',
      data: { userId: 'u-2', profile: { language: 'fr', identifier: 'eve@corp', title: undefined }, status: 'Draft', securityRoles: [], genericProperties: {} },
    };
    expect(Object.keys(evolveUser(undefined, created))).toEqual(['id', 'identifier', 'language', 'status', 'deleted', 'securityRoles', 'genericProperties', 'revision']);
  });

  it('refuses an event before the user exists', () => {
    expect(() => evolveUser(undefined, { type: 'UserDeleted', data: { userId: 'x' } })).toThrow(/before UserCreated/);
  });
});

describe('decideRow and usernames', () => {
  it('rejects a row whose username belongs to someone else, naming them', () =>
    given()
      .when({ profile: { identifier: 'b', username: 'ada' } }, { usernameTakenBy: 'user ada@corp' })
      .then((d) => expect(d).toMatchObject({ outcome: 'rejected', reasons: ['username is already used by user ada@corp'] })));
});

describe('decideDeletion', () => {
  const current = evolveUser(undefined, ada);
  it('marks the user deleted, naming who did it', () =>
    expect(decideDeletion(current, 'admin:ada')).toEqual([{ type: 'UserDeleted', data: { userId: 'u-1', by: 'admin:ada' } }]));
  it('does nothing for a user already deleted', () =>
    expect(decideDeletion(evolveUser(current, { type: 'UserDeleted', data: { userId: 'u-1' } }), 'x')).toEqual([]));
});

describe('diffUser', () => {
  it('lists every field of a creation, and only the changed ones later', () => {
    const created = evolveUser(undefined, ada);
    expect(diffUser(undefined, created)).toMatchObject({ identifier: { from: undefined, to: 'ada@corp' }, status: { from: undefined, to: 'Active' } });
    const disabled = evolveUser(created, { type: 'UserDisabled', data: { userId: 'u-1', reason: 'admin', previousStatus: 'Active' } });
    expect(diffUser(created, disabled)).toEqual({ status: { from: 'Active', to: 'Inactive' } });
  });
});
