import type { MatchBy, UserState } from '@dirsync/domain';
import type { DirectoryReadModel, UsersByHandle } from '@dirsync/projections';
import type { OffHeapStringMap } from '../off-heap-string-map';

/** Users read per statement as the planner moves down the file. */
const READ_AHEAD_USERS = 1_000;

/**
 * The directory's users that a file's keys match, found in one ordered pass over the directory's
 * key index and then read a thousand at a time in row order: a look-up per row costs an index
 * descent and a statement of its own. Only the first row of each key is matched this way (the
 * rows after it are duplicates, rejected whoever they match).
 */
export class DirectoryMatches {
  private window: UsersByHandle | undefined;
  /** Rows below this one have their users in `window`. */
  private windowEnd = 0;

  private constructor(
    private readonly directory: DirectoryReadModel,
    /** By row: the handle of its key's user, or 0 for none (or a row that is not its key's first). */
    private readonly handles: Float64Array,
    /** How many rows matched a user. */
    readonly matched: number,
  ) {}

  /** `firstRows` maps each of the file's keys (as matchKey gives them) to the first valid row with it. */
  static match(directory: DirectoryReadModel, matchBy: MatchBy, firstRows: OffHeapStringMap, lastRow: number): DirectoryMatches {
    const handles = new Float64Array(lastRow + 1);
    let matched = 0;
    for (const [key, handle] of directory.keyHandles(matchBy)) {
      const row = firstRows.get(key);
      if (row) {
        handles[row] = handle;
        matched++;
      }
    }
    return new DirectoryMatches(directory, handles, matched);
  }

  /** The user matched by `row`, the first row of its key; rows must be asked for in ascending order. */
  userOf(row: number): UserState | undefined {
    const handle = this.handles[row];
    if (!handle) return undefined;
    if (row >= this.windowEnd) this.readAhead(row);
    return this.window?.get(handle);
  }

  private readAhead(from: number): void {
    const handles: number[] = [];
    let row = from;
    for (; row < this.handles.length && handles.length < READ_AHEAD_USERS; row++) {
      if (this.handles[row]) handles.push(this.handles[row]);
    }
    this.window = this.directory.findByHandles(handles);
    this.windowEnd = row;
  }
}
