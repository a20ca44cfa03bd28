import { evolveUser, USER_STREAM_PREFIX, type UserEvent, type UserState } from '@dirsync/domain';
import type { RecordedEvent } from '@dirsync/event-store';
import type { Projection } from '../runner/projection';
import { matchKey, type ReadModelDb } from '../read-model-db';
import { rowToUser, type UserRow } from './user-row';

/** The user directory: one row per user, the state folded from its `user-<id>` stream. */
export class DirectoryProjection implements Projection {
  readonly name = 'directory';
  readonly streamPrefixes = [USER_STREAM_PREFIX];
  private readonly selectUser;
  private readonly upsertUser;

  constructor(private readonly db: ReadModelDb) {
    this.selectUser = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
    this.upsertUser = db.prepare(`
      INSERT INTO users (id, identifier, identifier_key, upn, email, email_key, username, username_key, person_id,
        first_name, last_name, title, department, alias, language, manager_email, picture, mingle_picture, status,
        deleted, security_roles, generic_properties, revision, created_at, updated_at, last_import_id, sort_key)
      VALUES (@id, @identifier, @identifierKey, @upn, @email, @emailKey, @username, @usernameKey, @personId,
        @firstName, @lastName, @title, @department, @alias, @language, @managerEmail, @picture, @minglePicture, @status,
        @deleted, @securityRoles, @genericProperties, @revision, @createdAt, @updatedAt, @lastImportId, @sortKey)
      ON CONFLICT(id) DO UPDATE SET identifier = excluded.identifier, identifier_key = excluded.identifier_key,
        upn = excluded.upn, email = excluded.email, email_key = excluded.email_key, username = excluded.username,
        username_key = excluded.username_key, person_id = excluded.person_id, first_name = excluded.first_name,
        last_name = excluded.last_name, title = excluded.title, department = excluded.department, alias = excluded.alias,
        language = excluded.language, manager_email = excluded.manager_email, picture = excluded.picture,
        mingle_picture = excluded.mingle_picture, status = excluded.status, deleted = excluded.deleted,
        security_roles = excluded.security_roles, generic_properties = excluded.generic_properties,
        revision = excluded.revision, updated_at = excluded.updated_at, last_import_id = excluded.last_import_id,
        sort_key = excluded.sort_key`);
  }

  apply(event: RecordedEvent): void {
    const userEvent = { type: event.type, data: event.data } as UserEvent;
    const userId = userEvent.data.userId;
    const row = event.type === 'UserCreated' ? undefined : this.selectUser.get(userId);
    const previous: UserState | undefined = row ? rowToUser(row) : undefined;
    const next = evolveUser(previous, userEvent);
    const importId = userEvent.data.importId ?? row?.last_import_id ?? null;
    this.upsertUser.run({
      id: next.id,
      identifier: next.identifier ?? null,
      identifierKey: matchKey(next.identifier),
      upn: next.upn ?? null,
      email: next.email ?? null,
      emailKey: matchKey(next.email),
      username: next.username ?? null,
      usernameKey: matchKey(next.username),
      personId: next.personId ?? null,
      firstName: next.firstName ?? null,
      lastName: next.lastName ?? null,
      title: next.title ?? null,
      department: next.department ?? null,
      alias: next.alias ?? null,
      language: next.language ?? null,
      managerEmail: next.managerEmail ?? null,
      picture: next.picture ?? null,
      minglePicture: next.minglePicture ?? null,
      status: next.status,
      deleted: next.deleted ? 1 : 0,
      securityRoles: JSON.stringify(next.securityRoles),
      genericProperties: JSON.stringify(next.genericProperties),
      revision: event.revision,
      createdAt: row?.created_at ?? event.recordedAt,
      updatedAt: event.recordedAt,
      lastImportId: importId,
      sortKey: matchKey(next.identifier) ?? matchKey(next.email) ?? matchKey(next.username) ?? '',
    });
  }

  reset(): void {
    this.db.exec('DELETE FROM users');
  }
}
