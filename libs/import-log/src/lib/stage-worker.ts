import { Logger } from '@nestjs/common';
import type { EventStore, Subscription } from '@dirsync/event-store';

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
  ) {
    this.logger = new Logger(`StageWorker:${stage}`);
  }

  async start(): Promise<void> {
    const checkpointName = `stage-${this.stage}`;
    const fromPosition = (await this.store.readCheckpoint(checkpointName)) ?? 0;
    let markCaughtUp!: () => void;
    this.caughtUp = new Promise((resolve) => (markCaughtUp = resolve));
    this.subscription = this.store.subscribe(
      async (event) => {
        await this.handle((event.data as { importId: string }).importId);
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
    await this.subscription?.stop();
    this.subscription = undefined;
  }
}
