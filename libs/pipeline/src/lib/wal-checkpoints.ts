import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { WalCheckpointer } from '@dirsync/event-store';

/**
 * Checkpoints the SQLite files this process writes (the read models, and the log on the embedded
 * store) on a thread of their own, so that commits seldom wait for the disk (see WalCheckpointer).
 * Created once the stores are open: the thread opens the files they created.
 */
export class WalCheckpoints implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WalCheckpoints.name);
  private checkpointer: WalCheckpointer | undefined;

  constructor(readonly files: readonly string[]) {}

  onApplicationBootstrap(): void {
    this.checkpointer = WalCheckpointer.start(this.files, {
      onError: (error) => this.logger.warn(`background WAL checkpoints stopped (${error.message}); commits checkpoint as SQLite does by default`),
    });
  }

  /** Resolves once the thread has checkpointed the files a first time (it starts beside the application). */
  running(): Promise<void> {
    return this.checkpointer?.ready ?? Promise.reject(new Error('WalCheckpoints has not started'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.checkpointer?.stop();
  }
}
