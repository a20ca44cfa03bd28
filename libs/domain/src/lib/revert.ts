import type { FieldChanges, UserEvent } from './events';
import type { FieldValue, UserField, UserStatus } from './user';
import { evolveUser } from './user-decider';
import type { UserState } from './user';

/** One event of a user's stream, with its revision. */
export interface UserHistoryEntry {
  revision: number;
  event: UserEvent;
}

export interface RevertDecision {
  userId: string;
  /** Compensating events, in order; empty when nothing can or needs to be undone. */
  events: UserEvent[];
  /** What was left alone because a later event changed it. */
  conflicts: string[];
  /** Revision of the user's stream the events must be appended at. */
  expectedRevision: number;
}

/**
 * Undoes what one import did to one user: restores each field and status it changed and disables
 * a user it created — except where a later event changed the same thing, which is reported as a
 * conflict and left as it is.
 */
export function decideRevert(history: UserHistoryEntry[], importId: string, revertId: string): RevertDecision {
  const current = history.reduce<UserState | undefined>((state, entry) => evolveUser(state, entry.event), undefined);
  if (!current) throw new Error('a user without events cannot be reverted');
  const ours = history.filter((entry) => entry.event.data.importId === importId);
  const lastOurs = Math.max(...ours.map((entry) => entry.revision));
  const touchedLater = new Set(history.filter((entry) => entry.revision > lastOurs).flatMap((entry) => touchedBy(entry.event)));

  const conflicts: string[] = [];
  const fields: FieldChanges = {};
  let status: UserStatus | undefined;
  let deleted: boolean | undefined;
  for (const { event } of [...ours].reverse()) {
    for (const [field, target] of undoneBy(event)) {
      if (touchedLater.has(field)) {
        conflicts.push(`${field} was changed after the import; left as it is`);
      } else if (field === 'status') {
        status = target as UserStatus;
      } else if (field === 'deleted') {
        deleted = target as boolean;
      } else {
        fields[field as UserField] = { from: current[field as UserField], to: target as FieldValue };
      }
    }
  }

  const origin = { importId: revertId };
  const events: UserEvent[] = [];
  const changed = Object.fromEntries(Object.entries(fields).filter(([, c]) => JSON.stringify(c?.from) !== JSON.stringify(c?.to))) as FieldChanges;
  if (status === 'Draft' && current.status !== 'Draft') changed.status = { from: current.status, to: 'Draft' };
  if (Object.keys(changed).length > 0) events.push({ type: 'UserUpdated', data: { userId: current.id, changes: changed, ...origin } });
  if (status === 'Inactive' && current.status !== 'Inactive') {
    events.push({ type: 'UserDisabled', data: { userId: current.id, reason: 'revert', previousStatus: current.status, ...origin } });
  }
  if (status === 'Active' && current.status !== 'Active') {
    events.push({ type: 'UserReactivated', data: { userId: current.id, previousStatus: current.status, ...origin } });
  }
  if (deleted === true && !current.deleted) events.push({ type: 'UserDeleted', data: { userId: current.id, by: `revert of ${importId}`, ...origin } });
  if (deleted === false && current.deleted) events.push({ type: 'UserRestored', data: { userId: current.id, ...origin } });
  return { userId: current.id, events, conflicts: [...new Set(conflicts)], expectedRevision: current.revision };
}

/** The fields (and the pseudo-fields status and deleted) an event sets. */
function touchedBy(event: UserEvent): string[] {
  switch (event.type) {
    case 'UserCreated':
      return [];
    case 'UserUpdated':
      return Object.keys(event.data.changes);
    case 'UserDisabled':
    case 'UserReactivated':
      return ['status'];
    case 'UserDeleted':
    case 'UserRestored':
      return ['deleted'];
  }
}

/** For each thing the event changed, the value that undoes it. A created user is undone by disabling it. */
function undoneBy(event: UserEvent): [string, unknown][] {
  switch (event.type) {
    case 'UserCreated':
      return [['status', 'Inactive']];
    case 'UserUpdated':
      return Object.entries(event.data.changes).map(([field, change]) => [field, change?.from]);
    case 'UserDisabled':
    case 'UserReactivated':
      return [['status', event.data.previousStatus]];
    case 'UserDeleted':
      return [['deleted', false]];
    case 'UserRestored':
      return [['deleted', true]];
  }
}
