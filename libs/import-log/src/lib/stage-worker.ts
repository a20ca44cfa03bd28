import { Logger } from '@nestjs/common';
import type { EventStore, Subscription } from '@dirsync/event-store';
import { SOLE_PROCESS, type StageTurns } from './stage-turns';

/**
 * Runs one pipeline stage as a consumer of the log: every event of `eventTypes` (from any import)
 * is handed to `handle`, in order, and the stage's checkpoint moves only after the handler is done.
 * After a crash the stage starts again from its checkpoint, so an unfinished import is picked up;
 * handlers must therefore be safe to run twice on the same import.
 */
export class StageWorker {
  private readonly logger: Logger;
  private subscription: Subscription | undefined;
  /** Aborted by stop(): a handler waiting for its turn gives up (the import stays for the next start). */
  private stopping = new AbortController();
  private caughtUp!: Promise<void>;

  constructor(
    private readonly store: EventStore,
    private readonly stage: string,
    private readonly eventTypes: string[],
    private readonly handle: (importId: string) => Promise<void>,
    /**
     * Competing consumers (several processes running this stage over one log): each import is
     * handled in this process's turn, while the others wait and then find it done.
     */
    private readonly turns: StageTurns = SOLE_PROCESS,
  ) {
    this.logger = new Logger(`StageWorker:${stage}`);
  }

  async start(): Promise<void> {
    const checkpointName = `stage-${this.stage}`;
    const fromPosition = (await this.store.readCheckpoint(checkpointName)) ?? 0;
    this.stopping = new AbortController();
    const stopped = this.stopping.signal;
    let markCaughtUp!: () => void;
    this.caughtUp = new Promise((resolve) => (markCaughtUp = resolve));
    this.subscription = this.store.subscribe(
      async (event) => {
        const importId = (event.data as { importId: string }).importId;
        await this.turns.take(this.stage, importId, () => this.handle(importId), stopped);
        // Stopped while waiting for its turn: not handled, so the checkpoint stays before it.
        if (stopped.aborted) return;
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

  /** Resolves once the backlog that existed at start has been handled. */
  whenCaughtUp(): Promise<void> {
    return this.caughtUp;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.subscription?.stop();
    this.subscription = undefined;
  }
}
