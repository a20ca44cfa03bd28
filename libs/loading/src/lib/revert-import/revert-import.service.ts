import { Inject, Injectable } from '@nestjs/common';
import {
  decideRevert,
  diffUser,
  emptyCounts,
  evolveUser,
  importStream,
  USER_STREAM_PREFIX,
  userStream,
  type RowOutcome,
  type RowResult,
  type UserEvent,
  type UserHistoryEntry,
  type UserState,
} from '@dirsync/domain';
import { deterministicId, EVENT_STORE, type AppendRequest, type EventStore } from '@dirsync/event-store';
import { ImportLog } from '@dirsync/import-log';
import { BatchedAppends, EVENTS_PER_BATCH } from '../apply-plan/batched-appends';
import { OffHeapStringMap } from '../off-heap-string-map';
import { RESULTS_PER_CHUNK, RowResultRecorder } from '../row-results';

export class RevertError extends Error {
  override readonly name = 'RevertError';
  constructor(
    message: string,
    readonly kind: 'not-found' | 'not-revertible',
  ) {
    super(message);
  }
}

/**
 * Reverts an applied import with compensating events (the log is never rewritten): each field and
 * status it changed is restored and each user it created is disabled, except where a later event
 * changed the same thing — reported as a conflict. The revert has its own stream and report.
 */
@Injectable()
export class RevertImportService {
  private readonly log: ImportLog;

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {
    this.log = new ImportLog(store);
  }

  /** Returns the revert's id (its report is `import-<revertId>`). */
  async revert(importId: string, by: string): Promise<string> {
    const original = await this.log.read(importId);
    if (!original) throw new RevertError(`no import with id ${importId}`, 'not-found');
    const { state } = original;
    if (state.status !== 'completed' || state.completed?.dryRun) {
      throw new RevertError(`import ${importId} is ${state.completed?.dryRun ? 'a dry run' : state.status}: only an applied import can be reverted`, 'not-revertible');
    }
    if (state.reverted) throw new RevertError(`import ${importId} was already reverted by ${state.reverted.revertId}`, 'not-revertible');

    const revertId = deterministicId(importId, 'revert');
    const at = new Date().toISOString();
    // Claimed on the original's stream first, at its exact revision: two reverts cannot both start.
    await this.log.append(importId, original.revision, [{ name: 'reverted', type: 'ImportReverted', data: { importId, revertId, by, at } }]);
    const revision = await this.log.append(revertId, -1, [
      { name: 'revert-requested', type: 'RevertRequested', data: { importId: revertId, revertOf: importId, requestedBy: by, requestedAt: at } },
    ]);

    const counts = emptyCounts();
    const appends = new BatchedAppends(this.store, EVENTS_PER_BATCH);
    // A row is reported only once its user's events are stored: they are appended first.
    const report = new RowResultRecorder(this.log, revertId, revision, {
      planNumber: 1,
      chunkName: (index) => `revert-rows-${index * RESULTS_PER_CHUNK}`,
      beforeAppend: () => appends.flush(),
    });
    for await (const userId of this.usersTouchedBy(importId)) {
      const { result, append } = await this.revertUser(userId, importId, revertId);
      counts[result.outcome] += 1;
      if (append) await appends.add([append]);
      await report.add(result);
    }
    await this.log.append(revertId, await report.flush(), [
      { name: 'completed', type: 'ImportCompleted', data: { importId: revertId, counts, dryRun: false, completedAt: new Date().toISOString() } },
    ]);
    return revertId;
  }

  /**
   * Users the import wrote events for, in the order it first touched them, each once. Read from the
   * import's start to the head, which the revert's own appends move: they carry the revert's id,
   * so they are passed over.
   */
  private async *usersTouchedBy(importId: string): AsyncIterable<string> {
    let from = 0;
    for await (const event of this.store.readStream(importStream(importId), { maxCount: 1 })) from = event.position;
    const seen = new OffHeapStringMap();
    try {
      for await (const event of this.store.readAll({ fromPosition: from, filter: { streamPrefixes: [USER_STREAM_PREFIX] } })) {
        const data = event.data as { importId?: string; userId: string };
        if (data.importId !== importId || seen.has(data.userId)) continue;
        seen.set(data.userId, 0);
        yield data.userId;
      }
    } finally {
      seen.release();
    }
  }

  private async revertUser(userId: string, importId: string, revertId: string): Promise<{ result: RowResult; append?: AppendRequest }> {
    const history: UserHistoryEntry[] = [];
    for await (const event of this.store.readStream(userStream(userId))) {
      history.push({ revision: event.revision, event: { type: event.type, data: event.data } as UserEvent });
    }
    const decision = decideRevert(history, importId, revertId);
    const before = history.reduce<UserState | undefined>((s, e) => evolveUser(s, e.event), undefined) as UserState;
    const after = decision.events.reduce<UserState>((s, e) => evolveUser(s, e), before);
    const outcome: RowOutcome = decision.events.length === 0 ? 'skipped' : outcomeOf(decision.events);
    const result: RowResult = {
      key: before.identifier ?? before.email ?? before.username,
      email: before.email,
      userId,
      outcome,
      reasons: decision.events.length === 0 && decision.conflicts.length === 0 ? ['nothing left to undo'] : [],
      warnings: decision.conflicts,
      ...(decision.events.length > 0 ? { changes: diffUser(before, after) } : {}),
    };
    if (decision.events.length === 0) return { result };
    return {
      result,
      append: {
        streamId: userStream(userId),
        expectedRevision: decision.expectedRevision,
        events: decision.events.map((event, index) => ({ id: deterministicId(revertId, userId, index), type: event.type, data: event.data })),
      },
    };
  }
}

function outcomeOf(events: UserEvent[]): RowOutcome {
  if (events.some((e) => e.type === 'UserDisabled')) return 'disabled';
  if (events.some((e) => e.type === 'UserReactivated')) return 'reactivated';
  return 'updated';
}
