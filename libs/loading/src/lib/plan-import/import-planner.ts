import {
  decideRow,
  emptyCounts,
  generateUsername,
  userStream,
  type ImportCounts,
  type ImportOptions,
  type MatchBy,
  type UserEvent,
  type UserRecord,
} from '@dirsync/domain';
import type { BlobStore } from '@dirsync/blob-store';
import { deterministicId, type AppendRequest } from '@dirsync/event-store';
import { matchKey, type DirectoryReadModel } from '@dirsync/projections';
import { readNdjson } from '@dirsync/blob-store';
import type { PlanLine } from './plan-line';

export interface PlanInput {
  importId: string;
  options: ImportOptions;
  matchBy: MatchBy;
  /** Blob of the valid records (NDJSON of UserRecord), in file order. */
  recordsSha256: string;
  /** Rows already rejected by transformation, counted in the totals. */
  rejectedBeforePlanning: number;
}

export interface PlanOutput {
  plan: { sha256: string; size: number };
  counts: ImportCounts;
  eventCount: number;
}

/** What this file claims as it goes: keys, e-mails and usernames taken by earlier rows. */
interface FileClaims {
  keyRows: Map<string, number>;
  emailRows: Map<string, number>;
  usernames: Set<string>;
  /** E-mails of every row of the file, for manager look-ups "after this file's creations". */
  fileEmails: Set<string>;
}

/**
 * Phase one of an import: decides every row against the directory as it stands (the read model,
 * caught up by the caller) and writes the whole plan to a blob. Nothing is appended here.
 */
export class ImportPlanner {
  constructor(
    private readonly directory: DirectoryReadModel,
    private readonly blobs: BlobStore,
  ) {}

  async plan(input: PlanInput): Promise<PlanOutput> {
    const claims = await this.collectFileClaims(input);
    const counts = emptyCounts();
    counts.rejected = input.rejectedBeforePlanning;
    let eventCount = 0;
    const writer = this.blobs.writer();
    try {
      for await (const record of this.records(input)) {
        const line = this.planRow(record, input, claims);
        counts[line.result.outcome] += 1;
        eventCount += line.appends.reduce((n, a) => n + a.events.length, 0);
        await writer.write(`${JSON.stringify(line)}\n`);
      }
      const plan = await writer.commit();
      return { plan, counts, eventCount };
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  private records(input: PlanInput): AsyncIterable<UserRecord> {
    return readNdjson<UserRecord>(this.blobs.openRead(input.recordsSha256));
  }

  /** First pass: the e-mails the file brings, so a manager created later in the file still resolves. */
  private async collectFileClaims(input: PlanInput): Promise<FileClaims> {
    const fileEmails = new Set<string>();
    for await (const record of this.records(input)) {
      const email = matchKey(record.profile.email);
      if (email) fileEmails.add(email);
    }
    return { keyRows: new Map(), emailRows: new Map(), usernames: new Set(), fileEmails };
  }

  private planRow(record: UserRecord, input: PlanInput, claims: FileClaims): PlanLine {
    const key = record.profile[input.matchBy];
    const normalizedKey = matchKey(key) ?? '';
    const current = this.directory.findBy(input.matchBy, key);
    const email = matchKey(record.profile.email);
    const duplicateOfRow = claims.keyRows.get(normalizedKey);
    const newUserId = deterministicId(input.importId, 'user', record.row);
    const decision = decideRow(
      record,
      {
        current,
        newUserId,
        duplicateOfRow,
        emailTakenBy: duplicateOfRow === undefined ? this.emailOwner(email, current?.id, claims) : undefined,
        generatedUsername: current || record.profile.username ? undefined : this.freshUsername(record, claims),
        managerUnknown: this.managerUnknown(record, claims),
      },
      input.options,
      { importId: input.importId },
    );
    if (duplicateOfRow === undefined) claims.keyRows.set(normalizedKey, record.row);
    if (decision.outcome !== 'rejected' && decision.outcome !== 'skipped') {
      if (email) claims.emailRows.set(email, record.row);
      const username = matchKey(record.profile.username) ?? this.generatedIn(decision.events);
      if (username) claims.usernames.add(username);
    }
    return {
      result: {
        row: record.row,
        key,
        email: record.profile.email,
        userId: decision.userId,
        outcome: decision.outcome,
        reasons: decision.reasons,
        warnings: decision.warnings,
        ...(decision.changes && Object.keys(decision.changes).length > 0 ? { changes: decision.changes } : {}),
      },
      appends: this.appendsFor(decision.events, input.importId, record.row, current?.revision),
    };
  }

  /** Who other than the matched user holds this e-mail: a directory user, or an earlier row. */
  private emailOwner(email: string | null, matchedUserId: string | undefined, claims: FileClaims): string | undefined {
    if (!email) return undefined;
    const earlierRow = claims.emailRows.get(email);
    if (earlierRow !== undefined) return `row ${earlierRow} of this file`;
    const owner = this.directory.findBy('email', email);
    if (owner && owner.id !== matchedUserId) return `user ${owner.identifier ?? owner.username ?? owner.id}`;
    return undefined;
  }

  private freshUsername(record: UserRecord, claims: FileClaims): string | undefined {
    const source = record.profile.email ?? record.profile.identifier;
    if (!source) return undefined;
    return generateUsername(source, (candidate) => claims.usernames.has(candidate) || this.directory.findBy('username', candidate) !== undefined);
  }

  private managerUnknown(record: UserRecord, claims: FileClaims): boolean {
    const manager = matchKey(record.profile.managerEmail);
    if (!manager) return false;
    return !claims.fileEmails.has(manager) && this.directory.findBy('email', manager) === undefined;
  }

  private generatedIn(events: UserEvent[]): string | null {
    const created = events.find((e) => e.type === 'UserCreated');
    return created?.type === 'UserCreated' ? matchKey(created.data.profile.username) : null;
  }

  /** One append per row: its events, with ids derived from the import and row, at the exact revision read. */
  private appendsFor(events: UserEvent[], importId: string, row: number, revision: number | undefined): AppendRequest[] {
    if (events.length === 0) return [];
    return [
      {
        streamId: userStream(events[0].data.userId),
        expectedRevision: revision ?? 'no-stream',
        events: events.map((event, index) => ({
          id: deterministicId(importId, row, index, event.type),
          type: event.type,
          data: event.data,
        })),
      },
    ];
  }
}
