import { Inject, Injectable } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { ImportLog } from '@dirsync/import-log';

export class ImportDecisionError extends Error {
  override readonly name = 'ImportDecisionError';
  constructor(
    message: string,
    readonly kind: 'not-found' | 'not-awaiting',
  ) {
    super(message);
  }
}

/** An administrator approves or rejects an import that a guard stopped. Both are recorded with who and when. */
@Injectable()
export class ImportDecisionService {
  private readonly log: ImportLog;

  constructor(@Inject(EVENT_STORE) store: EventStore) {
    this.log = new ImportLog(store);
  }

  /** Approval hands the import back to the loading stage, which applies the plan (re-planned if the directory changed). */
  async approve(importId: string, by: string): Promise<void> {
    const revision = await this.awaitingRevision(importId);
    await this.log.append(importId, revision, [
      { name: `approved-${revision}`, type: 'ImportApproved', data: { importId, by, at: new Date().toISOString() } },
    ]);
  }

  async reject(importId: string, by: string, reason?: string): Promise<void> {
    const revision = await this.awaitingRevision(importId);
    await this.log.append(importId, revision, [
      { name: 'rejected', type: 'ImportRejected', data: { importId, by, at: new Date().toISOString(), ...(reason ? { reason } : {}) } },
    ]);
  }

  private async awaitingRevision(importId: string): Promise<number> {
    const read = await this.log.read(importId);
    if (!read) throw new ImportDecisionError(`no import with id ${importId}`, 'not-found');
    if (read.state.status !== 'awaiting-approval') {
      throw new ImportDecisionError(`import ${importId} is ${read.state.status}, not awaiting approval`, 'not-awaiting');
    }
    return read.revision;
  }
}
