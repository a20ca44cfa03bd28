import {
  CATALOG_STREAM,
  catalogKey,
  decideRow,
  diffUser,
  evolveUser,
  emptyCounts,
  generateUsername,
  userStream,
  type CatalogKind,
  type FieldChanges,
  type UserState,
  type ImportCounts,
  type ImportOptions,
  type MatchBy,
  type RowResult,
  type UserEvent,
  type UserRecord,
} from '@dirsync/domain';
import type { BlobStore } from '@dirsync/blob-store';
import { deterministicId, type AppendRequest } from '@dirsync/event-store';
import { matchKey, type ActiveUser, type CatalogReadModel, type DirectoryReadModel } from '@dirsync/projections';
import { readNdjsonBatches } from '@dirsync/blob-store';
import { OffHeapStringMap } from '../off-heap-string-map';
import { DirectoryMatches } from './directory-matches';
import { readRecordKeysOnThread } from './record-keys-thread';
import { ReservedUsernames } from './reserved-usernames';
import { appendsFor, createdUserId, planLineText } from './plan-appends';
import { PlanLinesThread } from './plan-lines-thread';
import { crossesWhole } from './record-outlines';
import { InProcessPlanWriter, ThreadPlanWriter, type PlanWriter } from './plan-writer';
import type { PlanLine } from './plan-line';

export interface PlanInput {
  importId: string;
  options: ImportOptions;
  matchBy: MatchBy;
  /** Blob of the valid records (NDJSON of UserRecord), in file order. */
  recordsSha256: string;
  /** How many records that blob holds: the claims are sized for them up front. */
  validRows: number;
  /** Only XML may define new security roles and generic properties; CSV may only use known ones. */
  format: 'csv' | 'xml';
  /** Rows already rejected by transformation, counted in the totals. */
  rejectedBeforePlanning: number;
  /** Keys of those rows: their users are in the file, so "disable missing" must leave them alone. */
  rejectedKeys: string[];
}

export interface PlanOutput {
  /** NDJSON of PlanAppends: the appends of every row that changes something, in row order. */
  plan: { sha256: string; size: number };
  counts: ImportCounts;
  eventCount: number;
  /** Users the file names: its rows with a valid key, each key counted once (for the guards). */
  namedUsers: number;
}

/** Where the planner hands every row's result, in row order, then the users disabled as missing. */
export interface RowResultSink {
  add(result: RowResult): Promise<void>;
}

interface CatalogDefinition {
  kind: CatalogKind;
  name: string;
}
const definitionId = (d: CatalogDefinition): string => `${d.kind}:${catalogKey(d.name)}`;

/**
 * What this file claims as it goes: keys, e-mails and usernames taken by earlier rows. As large as
 * the file (millions of strings), so kept off the JavaScript heap.
 */
interface FileClaims {
  /** Every key of the file with the first valid row that has it (0: only rejected rows have it). */
  keyRows: OffHeapStringMap;
  /**
   * Every e-mail of the file (for manager look-ups "after this file's creations"), with the row
   * that took it, or CLAIMED plus the last valid row that gives it while no applied row has (or
   * HELD_BY_ITS_USER). One map for both: at a million rows it is large.
   */
  emailRows: OffHeapStringMap;
  usernameRows: OffHeapStringMap;
  /** Every username a valid row of the file gives: a generated one passes them over. */
  reservedUsernames: ReservedUsernames;
  /**
   * Identifiers taken by earlier rows, when rows are matched by e-mail or username: matched by
   * identifier, keyRows already holds them.
   */
  identifierRows?: OffHeapStringMap;
  /** Catalog entries this file defines (XML only), by kind and key. */
  defined: Set<string>;
  /** The directory's user with this key, or with this e-mail or username. */
  findUser: (field: MatchBy, value: string | undefined) => UserState | undefined;
  /** The users the file's keys match, when matched in one pass (see MATCH_IN_ONE_PASS_UP_TO). */
  matches?: DirectoryMatches;
  /**
   * Rows known to match no user of the directory: every row of a first import, the rows the
   * one-pass match left unmatched, and none when rows are looked up one by one (not known).
   */
  unmatchedRows: number;
  /** The directory has no user: every row creates one or is rejected (a first import). */
  directoryEmpty: boolean;
  /** Created users' lines are built on the plan-lines thread (see PLAN_LINES_THREAD_FROM_ROWS). */
  createdOnThread?: boolean;
  /** Rows are decided from the plan-lines thread's outlines of their records (see RecordOutlines). */
  outlined?: boolean;
}

const NOBODY = (): undefined => undefined;

/**
 * Marks, in FileClaims.emailRows, an e-mail that no applied row has taken yet, with the last valid
 * row that gives it (CLAIMED + row): once that row is decided and the e-mail still not taken, a
 * manager with that e-mail is unknown. Rows stay below it (event ids allow 500 million).
 */
const CLAIMED = 2 ** 30;

/**
 * Marks, in FileClaims.emailRows, the e-mail of a row skipped as unchanged: its directory user
 * keeps it. Known as a manager without a look-up; to any other row, held by that user as before.
 */
const HELD_BY_ITS_USER = 0;

/**
 * Directory users per valid row up to which the file's keys are matched in one pass over the
 * directory (DirectoryMatches) rather than looked up row by row. Measured on a directory of a
 * million users: the pass costs about 1.3 µs per directory user and saves about 6 µs per row
 * (a look-up 9 µs, reading matched users a thousand at a time 3 µs).
 */
const MATCH_IN_ONE_PASS_UP_TO = 4;

/**
 * Valid rows from which the claims pass reads its records on a thread of its own
 * (readRecordKeysOnThread). At 1M rows the thread spared the pass 1.2 to 1.7 µs a row; starting it,
 * reading a one-line blob and stopping it took 54–72 ms (as a worker module, round 15), so it pays
 * from about 50,000 rows.
 */
const CLAIMS_THREAD_FROM_ROWS = 100_000;

/**
 * Rows matching no directory user from which the plan blob is written on a thread of its own,
 * which builds the lines of created users from their records (PlanLinesThread). In ten pairs of
 * 1M first imports it spared the deciding 1.8 s on average (19.67 → 17.86 s, nine pairs of ten
 * faster) for about 40 MB more at the peak; starting it, writing one created user's line,
 * committing and stopping took 77–114 ms.
 */
const PLAN_LINES_THREAD_FROM_ROWS = 100_000;

/**
 * Records per batch of outlines. The thread keeps a batch's records until their lines are built,
 * so small: with 2,000 they outlived young-generation collections on the thread, and in three runs
 * each way the 1M first import's deciding used 23.4–30.1 CPU-seconds, against 22.2–22.6 with 500.
 */
const OUTLINE_BATCH_RECORDS = 500;

export interface PlannerTuning {
  /**
   * Match the file's keys in one pass over the directory when it has at most this many users per
   * valid row; a smaller file looks its keys up one by one. (MATCH_IN_ONE_PASS_UP_TO)
   */
  matchInOnePassUpTo?: number;
  /** Read the claims pass's records on a thread from this many valid rows on. (CLAIMS_THREAD_FROM_ROWS) */
  claimsThreadFromRows?: number;
  /** Write the plan on a thread from this many rows matching no user on. (PLAN_LINES_THREAD_FROM_ROWS) */
  planLinesThreadFromRows?: number;
  /** Rows whose results wait together for their lines on that thread. (PLAN_LINES_BATCH_ROWS) */
  planLinesBatchRows?: number;
  /** Records per batch of outlines that thread sends for a first import. (OUTLINE_BATCH_RECORDS) */
  outlineBatchRecords?: number;
}

/**
 * Phase one of an import: decides every row against the directory as it stands (the read model,
 * caught up by the caller) and writes the whole plan to a blob. No user event is appended here;
 * each row's result goes to the caller's sink.
 */
export class ImportPlanner {
  private readonly matchInOnePassUpTo: number;
  private readonly claimsThreadFromRows: number;
  private readonly planLinesThreadFromRows: number;
  private readonly planLinesBatchRows: number | undefined;
  private readonly outlineBatchRecords: number;

  constructor(
    private readonly directory: DirectoryReadModel,
    private readonly catalog: CatalogReadModel,
    private readonly blobs: BlobStore,
    tuning: PlannerTuning = {},
  ) {
    this.matchInOnePassUpTo = tuning.matchInOnePassUpTo ?? MATCH_IN_ONE_PASS_UP_TO;
    this.claimsThreadFromRows = tuning.claimsThreadFromRows ?? CLAIMS_THREAD_FROM_ROWS;
    this.planLinesThreadFromRows = tuning.planLinesThreadFromRows ?? PLAN_LINES_THREAD_FROM_ROWS;
    this.planLinesBatchRows = tuning.planLinesBatchRows;
    this.outlineBatchRecords = tuning.outlineBatchRecords ?? OUTLINE_BATCH_RECORDS;
  }

  /**
   * Writes the appends to the plan blob and hands each row's result to `results` as it goes (the
   * loading stage records them in the import's stream; no copy of them is kept).
   */
  async plan(input: PlanInput, results: RowResultSink): Promise<PlanOutput> {
    const claims = await this.collectFileClaims(input);
    // Every key a row carries, valid or rejected for another cell: the users "disable missing" keeps.
    const namedUsers = claims.keyRows.size;
    const counts = emptyCounts();
    counts.rejected = input.rejectedBeforePlanning;
    let eventCount = 0;
    // A file that mostly updates has few lines to build: the thread would only cost its memory.
    claims.createdOnThread = claims.unmatchedRows >= this.planLinesThreadFromRows;
    const thread = claims.createdOnThread ? this.planLinesThread(input) : undefined;
    const plan: PlanWriter = thread ? new ThreadPlanWriter(thread, results, this.planLinesBatchRows) : new InProcessPlanWriter(this.blobs.writer(), results);
    // Deciding a first import's row needs only its keys and manager: the thread, which reads the
    // records for their lines anyway, sends their outlines, and the planner does not parse them too.
    claims.outlined = thread !== undefined && claims.directoryEmpty;
    const records = thread && claims.outlined ? thread.outlinedRecords() : this.records(input);
    const write = async ({ result, appends, created }: PlanLine) => {
      counts[result.outcome] += 1;
      if (created) {
        eventCount += 1; // its UserCreated
        await plan.write(result, created);
      } else if (appends.length > 0) {
        eventCount += appends.reduce((n, a) => n + a.events.length, 0);
        await plan.write(result, planLineText(appends));
      } else {
        await plan.write(result, undefined);
      }
    };
    try {
      for await (const batch of records) {
        for (const record of batch) await write(this.planRow(record, input, claims));
      }
      if (input.options.disableMissing) {
        for (const line of this.disableMissing(input, claims)) await write(line);
      }
      return { plan: await plan.commit(), counts, eventCount, namedUsers };
    } catch (error) {
      await plan.abort();
      throw error;
    } finally {
      // As large as the file, and of no use once every row is decided: the apply gets the memory.
      for (const map of [claims.keyRows, claims.emailRows, claims.usernameRows, claims.identifierRows]) map?.release();
    }
  }

  private planLinesThread(input: PlanInput): PlanLinesThread {
    return new PlanLinesThread({
      recordsFile: this.blobs.path(input.recordsSha256),
      blobsRoot: this.blobs.rootDir,
      importId: input.importId,
      options: input.options,
      outlineBatchRecords: this.outlineBatchRecords,
    });
  }

  /** The records blob, a read chunk at a time. */
  private records(input: PlanInput): AsyncIterable<UserRecord[]> {
    return readNdjsonBatches<UserRecord>(this.blobs.openRead(input.recordsSha256));
  }

  /**
   * First pass: every key and e-mail the file brings, so duplicates are known by their first row
   * and a manager created later in the file still resolves, and every username it gives, so none
   * is generated for an earlier row; then, when the file is large beside
   * the directory, its keys are matched against the directory in one ordered pass.
   */
  private async collectFileClaims(input: PlanInput): Promise<FileClaims> {
    const emailRows = new OffHeapStringMap({ expectedSize: input.validRows });
    const keyRows = new OffHeapStringMap({ expectedSize: input.validRows + input.rejectedKeys.length });
    // Row 0 marks a key whose row transformation rejected: a valid row with that key is its first.
    for (const key of input.rejectedKeys) {
      const normalized = matchKey(this.withDomain(key, input));
      if (normalized) keyRows.set(normalized, 0);
    }
    let lastRow = 0;
    const claim = (row: number, key: string | null | undefined, email: string | null | undefined) => {
      if (row >= CLAIMED) throw new Error(`row ${row}: files of more than ${CLAIMED - 1} rows cannot be imported`);
      const emailKey = matchKey(email);
      if (emailKey) emailRows.set(emailKey, CLAIMED + row);
      const normalizedKey = matchKey(key) ?? '';
      if (!keyRows.get(normalizedKey)) keyRows.set(normalizedKey, row);
      lastRow = Math.max(lastRow, row);
    };
    let reservedUsernames: ReservedUsernames | undefined;
    if (input.validRows >= this.claimsThreadFromRows) {
      const file = this.blobs.path(input.recordsSha256);
      for await (const { rows, keys, emails, reservedUsernames: reserved } of readRecordKeysOnThread(file, input.matchBy, input.validRows)) {
        for (let i = 0; i < rows.length; i++) claim(rows[i], keys[i], emails[i]);
        if (reserved) reservedUsernames = ReservedUsernames.fromHashes(reserved);
      }
      if (!reservedUsernames) throw new Error(`the records thread ended without the usernames of ${file}`);
    } else {
      reservedUsernames = ReservedUsernames.forNames(input.validRows);
      for await (const batch of this.records(input)) {
        for (const record of batch) {
          claim(record.row, record.profile[input.matchBy], record.profile.email);
          reservedUsernames.add(record.profile.username);
        }
      }
    }
    const directorySize = this.directory.count();
    // Every row that changes something files its username. Into an empty directory that is every
    // valid row: sized up front, a million are looked up and filed in 0.56–0.75 s instead of
    // 0.93–0.98 s (alone), spared the 18 times its table would double. A re-import files few.
    const usernameRows = new OffHeapStringMap({ expectedSize: directorySize === 0 ? input.validRows : 0 });
    const identifierRows = input.matchBy === 'identifier' ? undefined : new OffHeapStringMap({ expectedSize: directorySize === 0 ? input.validRows : 0 });
    const claims: FileClaims = {
      keyRows, emailRows, usernameRows, reservedUsernames, identifierRows, defined: new Set(),
      // Into an empty directory (a first import) no look-up is made.
      findUser: directorySize === 0 ? NOBODY : (field, value) => this.directory.findBy(field, value),
      unmatchedRows: directorySize === 0 ? input.validRows : 0,
      directoryEmpty: directorySize === 0,
    };
    if (directorySize > 0 && directorySize <= this.matchInOnePassUpTo * input.validRows) {
      claims.matches = DirectoryMatches.match(this.directory, input.matchBy, keyRows, lastRow);
      claims.unmatchedRows = input.validRows - claims.matches.matched;
    }
    return claims;
  }

  /** The directory's user the row's key matches. */
  private matchedUser(record: UserRecord, key: string | undefined, firstRow: number | undefined, input: PlanInput, claims: FileClaims): UserState | undefined {
    if (!claims.matches || firstRow !== record.row) return claims.findUser(input.matchBy, key);
    return claims.matches.userOf(record.row);
  }

  private planRow(original: UserRecord, input: PlanInput, claims: FileClaims): PlanLine {
    const { record, definitions } = this.checkCatalog(original, input, claims);
    const key = record.profile[input.matchBy];
    const normalizedKey = matchKey(key) ?? '';
    // The first pass gave every key the first valid row that has it.
    const firstRow = claims.keyRows.get(normalizedKey);
    const duplicateOfRow = firstRow === undefined || firstRow === record.row ? undefined : firstRow;
    const current = this.matchedUser(record, key, firstRow, input, claims);
    const email = matchKey(record.profile.email);
    const generatedUsername = current || record.profile.username ? undefined : this.freshUsername(record, claims);
    const managerUnknown = this.managerUnknown(record, claims);
    const decision = decideRow(
      record,
      {
        current,
        newUserId: current ? undefined : createdUserId(input.importId, record.row),
        duplicateOfRow,
        emailTakenBy: duplicateOfRow === undefined ? this.emailOwner(email, current, claims) : undefined,
        usernameTakenBy: this.usernameOwner(matchKey(record.profile.username), current, claims),
        identifierTakenBy: duplicateOfRow === undefined ? this.identifierOwner(record, current, claims) : undefined,
        generatedUsername,
        managerUnknown,
      },
      input.options,
      { importId: input.importId },
    );
    const applied = decision.outcome !== 'rejected' && decision.outcome !== 'skipped';
    if (applied) {
      if (email) claims.emailRows.set(email, record.row);
      const username = matchKey(record.profile.username) ?? this.generatedIn(decision.events);
      if (username) claims.usernameRows.set(username, record.row);
      const identifier = claims.identifierRows && matchKey(record.profile.identifier);
      if (identifier) claims.identifierRows?.set(identifier, record.row);
      for (const definition of definitions) claims.defined.add(definitionId(definition));
    } else if (email && decision.outcome === 'skipped' && current && matchKey(current.email) === email) {
      // Its user keeps the e-mail: a later row naming it as manager needs no look-up (managerUnknown).
      claims.emailRows.set(email, HELD_BY_ITS_USER);
    }
    const result: RowResult = {
      row: record.row,
      key,
      email: record.profile.email,
      userId: decision.userId,
      outcome: decision.outcome,
      reasons: decision.reasons,
      warnings: decision.warnings,
      ...(decision.outcome === 'created' ? {} : this.changesOf(current, decision.events)),
    };
    // A record without roles or properties defines nothing: the thread can build its line alone.
    if (claims.createdOnThread && decision.outcome === 'created' && !original.securityRoles && !original.genericProperties) {
      return { result, appends: [], created: { row: record.row, username: generatedUsername, managerUnknown } };
    }
    if (claims.outlined && applied && !crossesWhole(original)) {
      throw new Error(`row ${record.row} was decided from its record's outline, which cannot make its ${decision.outcome} events`);
    }
    return {
      result,
      appends: [
        ...(applied ? this.catalogAppends(definitions, input.importId, record.row) : []),
        ...appendsFor(decision.events, input.importId, record.row, current?.revision),
      ],
    };
  }

  /**
   * Roles and properties must be in the catalog. An XML file defines the unknown ones (recorded
   * with the row that first uses them); a CSV file cannot, so they are dropped with a warning.
   */
  private checkCatalog(record: UserRecord, input: PlanInput, claims: FileClaims): { record: UserRecord; definitions: CatalogDefinition[] } {
    const warnings = [...(record.warnings ?? [])];
    const definitions = new Map<string, CatalogDefinition>();
    const resolve = (kind: CatalogKind, name: string, label: string): string | undefined => {
      const known = this.catalog.find(kind, name);
      if (known !== undefined) return known;
      const id = definitionId({ kind, name });
      if (input.format === 'xml') {
        if (!claims.defined.has(id)) definitions.set(id, { kind, name });
        return name;
      }
      warnings.push(`${label} "${name}" is not in the catalog and was ignored (only an XML import can define it)`);
      return undefined;
    };
    const securityRoles = record.securityRoles
      ?.map((role) => resolve('securityRole', role, 'security role'))
      .filter((role): role is string => role !== undefined);
    const genericProperties = record.genericProperties
      ? Object.fromEntries(
          Object.entries(record.genericProperties).flatMap(([name, value]) => {
            const known = resolve('genericProperty', name, 'generic property');
            return known === undefined ? [] : [[known, value]];
          }),
        )
      : undefined;
    // Not `{ ...record, warnings }`: a spread of parsed JSON plus a field costs V8 about 1 µs a row, a copy 0.15.
    const checked: UserRecord = Object.assign({}, record);
    checked.warnings = warnings;
    if (securityRoles) checked.securityRoles = securityRoles;
    if (genericProperties) checked.genericProperties = genericProperties;
    return { record: checked, definitions: [...definitions.values()] };
  }

  /** Catalog definitions go to their own stream; ids derive from the import and entry, so a retry adds none twice. */
  private catalogAppends(definitions: CatalogDefinition[], importId: string, row: number): AppendRequest[] {
    if (definitions.length === 0) return [];
    return [
      {
        streamId: CATALOG_STREAM,
        expectedRevision: 'any',
        events: definitions.map((definition) => ({
          id: deterministicId(importId, 'catalog', definitionId(definition)),
          type: 'CatalogEntryDefined',
          data: { ...definition, importId, row },
        })),
      },
    ];
  }

  /**
   * Per field, before and after: what a dry run shows and what the changes endpoint serves. Not
   * for a created user, whose result points at its plan line instead (see plan()).
   */
  private changesOf(current: UserState | undefined, events: UserEvent[]): { changes?: FieldChanges } {
    if (events.length === 0) return {};
    const after = events.reduce<UserState | undefined>(evolveUser, current);
    return after ? { changes: diffUser(current, after) } : {};
  }

  /** Who other than the matched user holds this e-mail: a directory user, or an earlier row. */
  private emailOwner(email: string | null, matched: UserState | undefined, claims: FileClaims): string | undefined {
    if (!email) return undefined;
    const earlierRow = claims.emailRows.get(email);
    if (earlierRow !== undefined && earlierRow !== HELD_BY_ITS_USER && earlierRow < CLAIMED) return `row ${earlierRow} of this file`;
    // The matched user keeping its own address gives it to no one else: no look-up needed.
    if (matched && matchKey(matched.email) === email) return undefined;
    const owner = claims.findUser('email', email);
    if (owner && owner.id !== matched?.id) return `user ${owner.identifier ?? owner.username ?? owner.id}`;
    return undefined;
  }

  private usernameOwner(username: string | null, matched: UserState | undefined, claims: FileClaims): string | undefined {
    return this.ownerOf('username', username, claims.usernameRows, matched, claims);
  }

  /** Who other than the matched user holds the row's identifier, when rows are not matched by it. */
  private identifierOwner(record: UserRecord, matched: UserState | undefined, claims: FileClaims): string | undefined {
    if (!claims.identifierRows) return undefined; // matched by identifier: keyRows covers it
    return this.ownerOf('identifier', matchKey(record.profile.identifier), claims.identifierRows, matched, claims);
  }

  /**
   * Who other than the matched user holds this username or identifier: an earlier row that took it
   * (`earlierRows`), or a directory user, named by another of their handles.
   */
  private ownerOf(
    field: 'username' | 'identifier',
    value: string | null,
    earlierRows: OffHeapStringMap,
    matched: UserState | undefined,
    claims: FileClaims,
  ): string | undefined {
    if (!value) return undefined;
    const earlierRow = earlierRows.get(value);
    if (earlierRow !== undefined) return `row ${earlierRow} of this file`;
    if (matched && matchKey(matched[field]) === value) return undefined;
    const owner = claims.findUser(field, value);
    if (!owner || owner.id === matched?.id) return undefined;
    const name = field === 'username' ? (owner.identifier ?? owner.email) : (owner.email ?? owner.username);
    return `user ${name ?? owner.id}`;
  }

  /** A rejected row's key as written, completed with the domain the way transformation completes identifiers. */
  private withDomain(key: string, input: PlanInput): string {
    return input.matchBy === 'identifier' && input.options.domain && !key.includes('@') ? `${key}@${input.options.domain}` : key;
  }

  /** "Disable users not present": every active user whose key no row of the file carries. Never a deletion. */
  private *disableMissing(input: PlanInput, claims: FileClaims): IterableIterator<PlanLine> {
    const missing = (user: ActiveUser): boolean => {
      const key = matchKey(user[input.matchBy] ?? undefined);
      return key === null || !claims.keyRows.has(key);
    };
    for (const user of this.directory.activeUsersWhere(missing)) {
      yield {
        result: {
          key: user[input.matchBy] ?? undefined,
          email: user.email ?? undefined,
          userId: user.id,
          outcome: 'disabled',
          reasons: ['not present in the file ("disable missing")'],
          warnings: [],
          changes: { status: { from: user.status, to: 'Inactive' } },
        },
        appends: [
          {
            streamId: userStream(user.id),
            expectedRevision: user.revision,
            events: [
              {
                id: deterministicId(input.importId, 'missing', user.id),
                type: 'UserDisabled',
                data: { userId: user.id, reason: 'missing-from-file', previousStatus: user.status, importId: input.importId },
              },
            ],
          },
        ],
      };
    }
  }

  private freshUsername(record: UserRecord, claims: FileClaims): string | undefined {
    const source = record.profile.email ?? record.profile.identifier;
    if (!source) return undefined;
    const taken = (candidate: string) =>
      claims.reservedUsernames.mayHold(candidate) || claims.usernameRows.has(candidate) || claims.findUser('username', candidate) !== undefined;
    return generateUsername(source, taken);
  }

  /**
   * A manager no user of the directory has, and no row of the file took or may still take: the rows
   * that give the e-mail all came before this one and were rejected, or none gives it. (One that
   * only a later row gives is taken as known: that row is not decided yet.)
   */
  private managerUnknown(record: UserRecord, claims: FileClaims): boolean {
    const manager = matchKey(record.profile.managerEmail);
    if (!manager) return false;
    const taken = claims.emailRows.get(manager);
    if (taken !== undefined && (taken < CLAIMED || taken - CLAIMED >= record.row)) return false;
    return claims.findUser('email', manager) === undefined;
  }

  private generatedIn(events: UserEvent[]): string | null {
    const created = events.find((e) => e.type === 'UserCreated');
    return created?.type === 'UserCreated' ? matchKey(created.data.profile.username) : null;
  }
}
