import type { Statement } from 'better-sqlite3';
import { evolveUser, USER_STREAM_PREFIX, type UserEvent, type UserState } from '@dirsync/domain';
import type { RecordedEvent } from '@dirsync/event-store';
import type { Projection } from '../runner/projection';
import type { ReadModelDb } from '../read-model-db';
import { rowToUser, USER_WRITE_COLUMNS, userToValues, type UserRow } from './user-row';

/** Distinct column sets a projection keeps an UPDATE statement for; others take the full upsert. */
const MAX_UPDATE_STATEMENTS = 64;

/** The directory's name among the projections (its checkpoint's key). */
export const DIRECTORY_PROJECTION = 'directory';

/** The user directory: one row per user, the state folded from its `user-<id>` stream. */
export class DirectoryProjection implements Projection {
  readonly name = DIRECTORY_PROJECTION;
  readonly streamPrefixes = [USER_STREAM_PREFIX];
  private readonly selectUser;
  private readonly upsertUser;
  private readonly updates = new Map<string, Statement>();

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
    if (!row || !this.updateChanged(row, values)) this.upsertUser.run(values);
  }

  reset(): void {
    this.db.exec('DELETE FROM users');
  }

  /**
   * Writes only the columns whose values changed. SQLite rewrites the entry of every index on a
   * column an UPDATE sets, even to the same value: setting all of them moved each user to new
   * places in all four random-keyed indexes, about four times the cost of the change alone.
   * Returns false when it has no statement for this set of columns (the caller upserts the row).
   */
  private updateChanged(row: UserRow, values: unknown[]): boolean {
    const stored = row as unknown as Record<string, unknown>;
    const changed = USER_WRITE_COLUMNS.flatMap((column, index) => (stored[column] === values[index] ? [] : [index]));
    if (changed.length === 0) return true; // every event moves the revision: only a repeat changes nothing
    const statement = this.updateStatement(changed);
    if (!statement) return false;
    statement.run(...changed.map((index) => values[index]), row.id);
    return true;
  }

  private updateStatement(columns: number[]): Statement | undefined {
    const key = columns.join(',');
    let statement = this.updates.get(key);
    if (!statement && this.updates.size < MAX_UPDATE_STATEMENTS) {
      statement = this.db.prepare(`UPDATE users SET ${columns.map((index) => `${USER_WRITE_COLUMNS[index]} = ?`).join(', ')} WHERE id = ?`);
      this.updates.set(key, statement);
    }
    return statement;
  }
}
