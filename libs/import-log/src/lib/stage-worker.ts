import { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { EventStoreLeases, type EventStore, type Subscription } from '@dirsync/event-store';

const LEASE_TTL_MS = 60_000;
const LEASE_RENEW_MS = 20_000;

/**
 * Runs one pipeline stage as a consumer of the log: every event of `eventTypes` (from any import)
 * is handed to `handle`, in order, and the stage's checkpoint moves only after the handler is done.
 * After a crash the stage starts again from its checkpoint, so an unfinished import is picked up;
 * handlers must therefore be safe to run twice on the same import.
 */
export class StageWorker {
  private readonly logger: Logger;
  private subscription: Subscription | undefined;
  private caughtUp!: Promise<void>;

  constructor(
    private readonly store: EventStore,
    private readonly stage: string,
    private readonly eventTypes: string[],
    private readonly handle: (importId: string) => Promise<void>,
    /**
     * Competing consumers (several processes of one stage, e.g. on KurrentDB): each import is
     * handled under a lease, so one process works on it while the others wait or find it done.
     */
    private readonly competing = false,
  ) {
    this.logger = new Logger(`StageWorker:${stage}`);
    this.leases = competing ? new EventStoreLeases(store) : undefined;
  }

  private readonly leases: EventStoreLeases | undefined;
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID()}`;

  async start(): Promise<void> {
    const checkpointName = `stage-${this.stage}`;
    const fromPosition = (await this.store.readCheckpoint(checkpointName)) ?? 0;
    let markCaughtUp!: () => void;
    this.caughtUp = new Promise((resolve) => (markCaughtUp = resolve));
    this.subscription = this.store.subscribe(
      async (event) => {
        const importId = (event.data as { importId: string }).importId;
        await (this.leases ? this.handleOnce(importId, this.leases) : this.handle(importId));
        await this.store.storeCheckpoint(checkpointName, event.position);
      },
      {
        fromPosition,
        filter: { eventTypes: this.eventTypes },
        onCaughtUp: () => markCaughtUp(),
        onError: (error) => this.logger.error(`stage ${this.stage} stopped: ${error.message}`),
      },
    );
  }

  /** Handles the import under a lease; a process that finds it done by another moves on. */
  private async handleOnce(importId: string, leases: EventStoreLeases): Promise<void> {
    const name = `${this.stage}-${importId}`;
    for (;;) {
      const claim = await leases.claim(name, this.owner, LEASE_TTL_MS);
      if (!claim.acquired && claim.done) return;
      if (!claim.acquired) {
        await delay(Math.max(50, Math.min(claim.expiresAt - Date.now(), 250)));
        continue;
      }
      const renewing = setInterval(
        () => void leases.renew(name, this.owner, LEASE_TTL_MS).catch((e: Error) => this.logger.warn(`lease ${name}: ${e.message}`)),
        LEASE_RENEW_MS,
      );
      try {
        await this.handle(importId);
        await leases.release(name, this.owner, { done: true });
        return;
      } catch (error) {
        await leases.release(name, this.owner, { done: false }).catch(() => undefined);
        throw error;
      } finally {
        clearInterval(renewing);
      }
    }
  }

  /** Resolves once the backlog that existed at start has been handled. */
  whenCaughtUp(): Promise<void> {
    return this.caughtUp;
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
