import { closeSync, openSync, readSync } from 'node:fs';
import { diffUser, evolveUser, USER_STREAM_PREFIX, type FieldChanges, type PlanLineRef, type UserEvent, type UserState } from '@dirsync/domain';

/** Where the blob with this sha256 is on disk (BlobStore.path). */
export type BlobFile = (sha256: string) => string;

/** The part of a plan line (the loading stage's PlanAppends) that a created user's fields are read from. */
interface PlanLineAppends {
  appends: { streamId: string; events: UserEvent[] }[];
}

/**
 * Reads a created user's fields from its line in the import's plan (RowResult.planLine): the
 * line's user events, folded, against no user before. One instance per query: it keeps the last
 * plan open, so a page of rows opens its plan once; close() it when done.
 */
export class PlanLineReader {
  private current?: { sha256: string; fd: number };

  constructor(private readonly blobFile: BlobFile) {}

  /**
   * The fields `userId` gets, or null when the bytes there are not that user's line: a row result
   * kept from a planning attempt that a crash cut short, when the plan recorded after it differs.
   * A plan that is not in the blob store at all throws: the data dir has lost a blob.
   */
  changesAt(planSha256: string, line: PlanLineRef, userId: string): FieldChanges | null {
    const bytes = Buffer.alloc(line.length);
    const read = readSync(this.open(planSha256), bytes, 0, line.length, line.offset);
    const user = read === line.length ? userOfLine(bytes.toString('utf8')) : undefined;
    return user?.id === userId ? diffUser(undefined, user) : null;
  }

  close(): void {
    if (this.current) closeSync(this.current.fd);
    this.current = undefined;
  }

  private open(sha256: string): number {
    if (this.current?.sha256 !== sha256) {
      this.close();
      this.current = { sha256, fd: openSync(this.blobFile(sha256), 'r') };
    }
    return this.current.fd;
  }
}

/** The user a created user's line folds to; undefined for bytes that are not such a line. */
function userOfLine(text: string): UserState | undefined {
  let line: PlanLineAppends | null;
  try {
    line = JSON.parse(text) as PlanLineAppends | null;
  } catch {
    return undefined; // bytes from the middle of a line
  }
  const events = (line?.appends ?? []).filter((append) => append.streamId.startsWith(USER_STREAM_PREFIX)).flatMap((append) => append.events);
  // Another row's line (an update, a disable) does not start with a creation and folds on no user.
  if (events[0]?.type !== 'UserCreated') return undefined;
  return events.reduce<UserState | undefined>(evolveUser, undefined);
}
