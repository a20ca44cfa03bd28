import type { MatchBy, UserState, UserStatus } from '@dirsync/domain';
import { directorySize, keysetPages, matchKey, type ReadModelDb } from '../read-model-db';
import type { Statement } from 'better-sqlite3';
import { rowToDirectoryUser, USER_STATE_COLUMNS, valuesToUser, type DirectoryUser, type UserRow } from './user-row';

export interface UserQuery {
  status?: UserStatus;
  /** Case-insensitive text found in identifier, e-mail, username or names. */
  search?: string;
  includeDeleted?: boolean;
  offset?: number;
  limit?: number;
}

/** An active user as "disable missing" sees it. */
export type ActiveUser = Pick<UserState, 'id' | 'identifier' | 'email' | 'username' | 'status' | 'revision'>;

export interface UserPage {
  total: number;
  offset: number;
  limit: number;
  items: DirectoryUser[];
}

const PAGE = 1_000;

/** Users that activeUsersWhere sorts in memory at most (a few MB); more are read in listing order. */
const SORT_IN_MEMORY_UP_TO = 50_000;
const ACTIVE = "deleted = 0 AND status = 'Active'";
const ACTIVE_COLUMNS = 'id, identifier, email, username, revision, sort_key';
type ActiveRow = [id: string, identifier: string | null, email: string | null, username: string | null, revision: number, sortKey: string];

const toActiveUser = ([id, identifier, email, username, revision]: ActiveRow): ActiveUser => ({
  id, identifier: identifier ?? undefined, email: email ?? undefined, username: username ?? undefined, status: 'Active', revision,
});
/** Key pages are two columns wide: larger pages, fewer statements. */
const KEY_PAGE = 10_000;

const KEY_COLUMNS: Record<MatchBy, string> = {
  identifier: 'identifier_key',
  email: 'email_key',
  username: 'username_key',
};

/**
 * Users read by handle (DirectoryReadModel.findByHandles), kept as the rows the driver returned:
 * each UserState is built when asked for, and dies with the planner's row. Built a thousand at a
 * time, as the planner reads them, the states outlived young-generation collections often enough
 * for V8 to allocate them in the old generation from then on (allocation-site pretenuring), where
 * they and the strings they held waited for full collections: re-importing the bench's 1 %
 * changed file into its 1M directory promoted 895 MB and ran 92 full collections, against 471 MB
 * and 46 with states built when asked for.
 */
export class UsersByHandle {
  constructor(private readonly rows: ReadonlyMap<number, unknown[]>) {}

  /** A new UserState for each call. */
  get(handle: number): UserState | undefined {
    const values = this.rows.get(handle);
    return values && valuesToUser(values);
  }
}

/** Queries over the directory read model, for the planner, the CLI and the API. */
export class DirectoryReadModel {
  private readonly byId;
  private readonly byKey: Record<MatchBy, Statement<[string], unknown[]>>;
  private readonly byHandles: Statement<[string], unknown[]>;

  constructor(private readonly db: ReadModelDb) {
    this.byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
    const byKey = (field: MatchBy) =>
      db.prepare<[string], unknown[]>(`SELECT ${USER_STATE_COLUMNS} FROM users WHERE ${KEY_COLUMNS[field]} = ? ORDER BY deleted, rowid LIMIT 1`).raw();
    this.byKey = { identifier: byKey('identifier'), email: byKey('email'), username: byKey('username') };
    // The row id last: valuesToUser reads the state's columns from the start of the row, with no copy.
    this.byHandles = db.prepare<[string], unknown[]>(`SELECT ${USER_STATE_COLUMNS}, rowid FROM users WHERE rowid IN (SELECT value FROM json_each(?))`).raw();
  }

  /**
   * Every value of `field` the directory holds (as matchKey gives it), in key order, each with a
   * handle to the user findBy would return for it: one pass over an index, for matching a whole
   * file at once instead of one look-up per row. Handles (row ids) hold until a rebuild or VACUUM.
   */
  *keyHandles(field: MatchBy, pageSize = KEY_PAGE): IterableIterator<[key: string, handle: number]> {
    const column = KEY_COLUMNS[field];
    // The index's order (key, deleted, row id) puts the user findBy returns first among equal keys.
    const order = `ORDER BY ${column}, deleted, rowid LIMIT ${pageSize}`;
    const first = this.db.prepare(`SELECT ${column}, rowid FROM users WHERE ${column} IS NOT NULL ${order}`).raw();
    const next = this.db.prepare(`SELECT ${column}, rowid FROM users WHERE ${column} > ? ${order}`).raw();
    type Row = [string, number];
    // A page that ends inside a key's run loses the rest of the run, which only holds later users.
    const rows = keysetPages<Row, string>(() => first.all() as Row[], (key) => next.all(key) as Row[], (row) => row[0]);
    let previous: string | undefined;
    for (const row of rows) {
      if (row[0] === previous) continue;
      previous = row[0];
      yield row;
    }
  }

  /**
   * The users behind handles from keyHandles, read with one statement: on the benchmark's machine
   * even a two-column read by row id takes about 4 µs a statement.
   */
  findByHandles(handles: readonly number[]): UsersByHandle {
    const rows = new Map<number, unknown[]>();
    // No statement for no handles.
    if (handles.length > 0) {
      for (const values of this.byHandles.all(JSON.stringify(handles))) rows.set(values[values.length - 1] as number, values);
    }
    return new UsersByHandle(rows);
  }

  /**
   * The user whose `field` equals `value`, compared case-insensitively: live users before deleted
   * ones, then the one projected first (the log's order, so a rebuild picks the same one).
   */
  findBy(field: MatchBy, value: string | undefined): UserState | undefined {
    const key = matchKey(value);
    if (key === null) return undefined;
    const values = this.byKey[field].get(key);
    return values ? valuesToUser(values) : undefined;
  }

  getById(id: string): DirectoryUser | undefined {
    const row = this.byId.get(id);
    return row ? rowToDirectoryUser(row) : undefined;
  }

  list(query: UserQuery = {}): UserPage {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    if (!query.includeDeleted) where.push('deleted = 0');
    if (query.status) {
      where.push('status = @status');
      params.status = query.status;
    }
    if (query.search) {
      where.push(`(identifier_key LIKE @search ESCAPE '\\' OR email_key LIKE @search ESCAPE '\\' OR username_key LIKE @search ESCAPE '\\'
        OR lower(first_name) LIKE @search ESCAPE '\\' OR lower(last_name) LIKE @search ESCAPE '\\')`);
      params.search = `%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const offset = Math.max(0, query.offset ?? 0);
    const limit = Math.min(Math.max(1, query.limit ?? 50), 1000);
    const total = (this.db.prepare(`SELECT count(*) AS n FROM users ${clause}`).get(params) as { n: number }).n;
    const rows = this.db
      .prepare(`SELECT * FROM users ${clause} ORDER BY sort_key, id LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit, offset }) as UserRow[];
    return { total, offset, limit, items: rows.map(rowToDirectoryUser) };
  }

  /** Every user (deleted ones included), in a stable order, one at a time. */
  *all(): IterableIterator<DirectoryUser> {
    for (const row of this.pages('1 = 1')) yield rowToDirectoryUser(row);
  }

  /**
   * Users that are active and not deleted, in listing order (sort key, then id): their keys and
   * stream revision, all that "disable missing" needs (read as arrays: at a million users, whole
   * rows cost several seconds).
   */
  *activeUsers(): IterableIterator<ActiveUser> {
    const first = this.db.prepare(`SELECT ${ACTIVE_COLUMNS} FROM users WHERE ${ACTIVE} ORDER BY sort_key, id LIMIT ${PAGE}`).raw();
    const next = this.db.prepare(`SELECT ${ACTIVE_COLUMNS} FROM users WHERE ${ACTIVE} AND (sort_key, id) > (?, ?) ORDER BY sort_key, id LIMIT ${PAGE}`).raw();
    const rows = keysetPages<ActiveRow, [string, string]>(
      () => first.all() as ActiveRow[],
      ([sortKey, id]) => next.all(sortKey, id) as ActiveRow[],
      (row) => [row[5], row[0]],
    );
    for (const row of rows) yield toActiveUser(row);
  }

  /**
   * The active users `keep` accepts, in listing order, as activeUsers filtered. Listing order reads
   * the table through the sort-key index, a random page for every user: on a million-user
   * directory 6 s with its pages cached, 30 s from disk. So the table is first scanned in storage
   * order (about 2 s), and when `keep` accepts few users (the users missing from a file) they are
   * sorted in memory; past `sortInMemoryUpTo` the index is read after all.
   */
  *activeUsersWhere(keep: (user: ActiveUser) => boolean, sortInMemoryUpTo = SORT_IN_MEMORY_UP_TO): IterableIterator<ActiveUser> {
    const few = this.fewActiveUsersWhere(keep, sortInMemoryUpTo);
    if (few) {
      yield* few;
      return;
    }
    for (const user of this.activeUsers()) if (keep(user)) yield user;
  }

  private fewActiveUsersWhere(keep: (user: ActiveUser) => boolean, upTo: number): ActiveUser[] | undefined {
    // One statement, row by row: the scan never awaits, so no other writer can come between its
    // rows, and no page of a thousand rows outlives a young-generation collection (with pages, the
    // scan of a million users left a JavaScript heap 47 MB larger).
    const rows = this.db.prepare(`SELECT ${ACTIVE_COLUMNS} FROM users WHERE ${ACTIVE} ORDER BY rowid`).raw().iterate() as IterableIterator<ActiveRow>;
    const found: { user: ActiveUser; sortKey: Buffer }[] = [];
    for (const row of rows) {
      const user = toActiveUser(row);
      if (!keep(user)) continue;
      if (found.length === upTo) {
        rows.return?.(); // ends the statement
        return undefined;
      }
      // SQLite orders TEXT by its UTF-8 bytes; JavaScript's < by UTF-16 units, which differs past U+FFFF.
      found.push({ user, sortKey: Buffer.from(row[5]) });
    }
    found.sort((a, b) => Buffer.compare(a.sortKey, b.sortKey) || (a.user.id < b.user.id ? -1 : a.user.id > b.user.id ? 1 : 0));
    return found.map(({ user }) => user);
  }

  private pages(where: string): IterableIterator<UserRow & { sort_key: string }> {
    type Row = UserRow & { sort_key: string };
    const first = this.db.prepare(`SELECT * FROM users WHERE ${where} ORDER BY sort_key, id LIMIT ${PAGE}`);
    const next = this.db.prepare(`SELECT * FROM users WHERE ${where} AND (sort_key, id) > (?, ?) ORDER BY sort_key, id LIMIT ${PAGE}`);
    return keysetPages<Row, [string, string]>(
      () => first.all() as Row[],
      ([sortKey, id]) => next.all(sortKey, id) as Row[],
      (row) => [row.sort_key, row.id],
    );
  }

  countActive(): number {
    return (this.db.prepare("SELECT count(*) AS n FROM users WHERE deleted = 0 AND status = 'Active'").get() as { n: number }).n;
  }

  /** Users in the directory, deleted ones included. */
  count(): number {
    return directorySize(this.db);
  }
}
