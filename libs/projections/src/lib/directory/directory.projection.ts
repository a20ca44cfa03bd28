import { evolveUser, USER_STREAM_PREFIX, type UserEvent, type UserState } from '@dirsync/domain';
import type { RecordedEvent } from '@dirsync/event-store';
import type { Projection } from '../runner/projection';
import type { ReadModelDb } from '../read-model-db';
import { rowToUser, USER_WRITE_COLUMNS, userToValues, type UserRow } from './user-row';

/** The user directory: one row per user, the state folded from its `user-<id>` stream. */
export class DirectoryProjection implements Projection {
  readonly name = 'directory';
  readonly streamPrefixes = [USER_STREAM_PREFIX];
  private readonly selectUser;
  private readonly upsertUser;

  constructor(private readonly db: ReadModelDb) {
    this.selectUser = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
    const updated = USER_WRITE_COLUMNS.filter((column) => column !== 'id' && column !== 'created_at');
    this.upsertUser = db.prepare(`
      INSERT INTO users (${USER_WRITE_COLUMNS.join(', ')}) VALUES (${USER_WRITE_COLUMNS.map(() => '?').join(', ')})
      ON CONFLICT(id) DO UPDATE SET ${updated.map((column) => `${column} = excluded.${column}`).join(', ')}`);
  }

  apply(event: RecordedEvent): void {
    const userEvent = { type: event.type, data: event.data } as UserEvent;
    const userId = userEvent.data.userId;
    const row = event.type === 'UserCreated' ? undefined : this.selectUser.get(userId);
    const previous: UserState | undefined = row ? rowToUser(row) : undefined;
    const next = evolveUser(previous, userEvent);
    const values = userToValues(next, {
      revision: event.revision,
      createdAt: row?.created_at ?? event.recordedAt,
      updatedAt: event.recordedAt,
      lastImportId: userEvent.data.importId ?? row?.last_import_id ?? null,
    });
    this.upsertUser.run(values);
  }

  reset(): void {
    this.db.exec('DELETE FROM users');
  }
}
