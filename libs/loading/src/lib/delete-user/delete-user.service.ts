import { Inject, Injectable } from '@nestjs/common';
import { decideDeletion, evolveUser, userStream } from '@dirsync/domain';
import { aggregateStream, deterministicId, EVENT_STORE, type EventStore } from '@dirsync/event-store';

export class UserNotFoundError extends Error {
  override readonly name = 'UserNotFoundError';
}

/** An administrator marks a user deleted. The user's stream is folded and appended at its exact revision. */
@Injectable()
export class DeleteUserService {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  /** Returns the position of the appended event, or undefined when the user was already deleted. */
  async delete(userId: string, by: string): Promise<number | undefined> {
    const state = (await aggregateStream(this.store, userStream(userId), evolveUser))?.state;
    if (!state) throw new UserNotFoundError(`no user with id ${userId}`);
    const events = decideDeletion(state, by);
    if (events.length === 0) return undefined;
    const result = await this.store.append(
      userStream(userId),
      events.map((event) => ({ id: deterministicId(userId, state.revision + 1, event.type), type: event.type, data: event.data })),
      state.revision,
    );
    return result.position;
  }
}
