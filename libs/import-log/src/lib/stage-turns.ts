import { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStoreLeases, type EventStore } from '@dirsync/event-store';
import { lockExclusively } from '@dirsync/event-store/sqlite';

/**
 * How a process takes its turn at an import in one stage, when several processes run that stage
 * over one log: the server beside a CLI import, or the stages as processes of their own. Without
 * turns, two processes plan or apply the same import at once, and the one that loses the race on
 * the import's stream records it failed while the other goes on applying it.
 */
export interface StageTurns {
  /**
   * Runs `work` once no other process is at this stage of the import. `work` must find for itself
   * whether another process finished the import meanwhile (the stages read the import's stream).
   * Stops waiting, without running `work`, once `stopped` is aborted.
   */
  take(stage: string, importId: string, work: () => Promise<void>, stopped: AbortSignal): Promise<void>;
}

/** Token for injecting the process's StageTurns. */
export const STAGE_TURNS = Symbol('STAGE_TURNS');

/** One process at a time: the only one, or tests of one worker. */
export const SOLE_PROCESS: StageTurns = { take: (_stage, _importId, work) => work() };

const LEASE_TTL_MS = 60_000;
const LEASE_RENEW_MS = 20_000;

/**
 * Turns as leases in the log (a `lease-<stage>-<importId>` stream), for a server store shared by
 * machines. A holder that dies keeps its lease until it expires (60 s); a lease released as done
 * spares the others the work.
 */
export class LeaseTurns implements StageTurns {
  private readonly logger = new Logger(LeaseTurns.name);
  private readonly leases: EventStoreLeases;
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID()}`;

  constructor(store: EventStore) {
    this.leases = new EventStoreLeases(store);
  }

  async take(stage: string, importId: string, work: () => Promise<void>, stopped: AbortSignal): Promise<void> {
    const name = `${stage}-${importId}`;
    while (!stopped.aborted) {
      const claim = await this.leases.claim(name, this.owner, LEASE_TTL_MS);
      if (!claim.acquired && claim.done) return;
      if (!claim.acquired) {
        await pause(Math.max(50, Math.min(claim.expiresAt - Date.now(), 250)), stopped);
        continue;
      }
      const renewing = setInterval(
        () => void this.leases.renew(name, this.owner, LEASE_TTL_MS).catch((e: Error) => this.logger.warn(`lease ${name}: ${e.message}`)),
        LEASE_RENEW_MS,
      );
      try {
        await work();
        await this.leases.release(name, this.owner, { done: true });
        return;
      } catch (error) {
        await this.leases.release(name, this.owner, { done: false }).catch(() => undefined);
        throw error;
      } finally {
        clearInterval(renewing);
      }
    }
  }
}

/** How often a process waiting for a stage's lock file tries it again. */
const LOCK_RETRY_MS = 100;

/**
 * Turns as an exclusive SQLite lock on a file per stage, for the embedded store, whose processes
 * share one machine: the system releases the lock the moment its holder ends, however it ends, so
 * a process that died holds up nobody. One import at a time per stage across the processes; the
 * log has one writer at a time anyway.
 */
export class FileLockTurns implements StageTurns {
  constructor(private readonly lockFileOf: (stage: string) => string) {}

  async take(stage: string, _importId: string, work: () => Promise<void>, stopped: AbortSignal): Promise<void> {
    const file = this.lockFileOf(stage);
    let release = lockExclusively(file);
    while (!release) {
      await pause(LOCK_RETRY_MS, stopped);
      if (stopped.aborted) return;
      release = lockExclusively(file);
    }
    try {
      await work();
    } finally {
      release();
    }
  }
}

/** Waits `ms`, or less once `stopped` is aborted. */
const pause = (ms: number, stopped: AbortSignal): Promise<void> => sleep(ms, undefined, { signal: stopped }).catch(() => undefined);
