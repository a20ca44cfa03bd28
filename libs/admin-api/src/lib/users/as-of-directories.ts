import { Inject, Injectable, Logger, Optional, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { AS_OF_ABANDONED_AFTER_MS, directoryAsOf, sweepAbandonedAsOfFolders, type AsOfDirectory, type UserPage, type UserQuery } from '@dirsync/projections';
import { ADMIN_API_OPTIONS, type AdminApiOptions } from '../admin-api.options';

interface Built {
  importId: string;
  directory: Promise<AsOfDirectory>;
  /** Requests reading it now: a replaced directory is closed once the last is done. */
  readers: number;
  replaced: boolean;
}

/**
 * Directories "as of" an import, for GET /api/users?asOf=. Each folds the log's user events up to
 * the import into a temporary SQLite file, a cost that grows with the log: they are built one at
 * a time (a request for another import waits for the build before it), and the last one is kept,
 * since a completed import's directory never changes: the next page of the same listing reads it
 * again instead of building it anew.
 */
@Injectable()
export class AsOfDirectories implements OnModuleInit, OnModuleDestroy {
  private latest?: Built;
  private builds: Promise<unknown> = Promise.resolve();
  private readonly tmpDir: string | undefined;
  private sweeping?: NodeJS.Timeout;
  private readonly logger = new Logger(AsOfDirectories.name);

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Optional() @Inject(ADMIN_API_OPTIONS) options?: AdminApiOptions,
  ) {
    this.tmpDir = options?.scratchDir;
  }

  /**
   * Removes what stopped processes left in the scratch folder (each removes its own on close), at
   * start and then as often as a folder can be found abandoned: the folders of other running
   * processes are marked in use (see directoryAsOf) and stay.
   */
  onModuleInit(): void {
    const tmpDir = this.tmpDir;
    if (!tmpDir) return;
    const sweep = () => {
      try {
        mkdirSync(tmpDir, { recursive: true });
        sweepAbandonedAsOfFolders(tmpDir);
      } catch (error) {
        // Only disk space is at stake: the server goes on, and the next sweep tries again.
        this.logger.warn(`${(error as Error).message}; trying again in ${AS_OF_ABANDONED_AFTER_MS / 60_000} minutes`);
      }
    };
    sweep();
    this.sweeping = setInterval(sweep, AS_OF_ABANDONED_AFTER_MS).unref();
  }

  /** Rejects with AsOfError when the import does not exist or has not completed. */
  async list(importId: string, query: UserQuery): Promise<UserPage> {
    const built = this.builtFor(importId);
    built.readers++;
    try {
      return (await built.directory).list(query);
    } catch (error) {
      // Not kept: an import that has not completed yet may complete.
      if (this.latest === built) this.latest = undefined;
      built.replaced = true;
      throw error;
    } finally {
      built.readers--;
      this.closeIfDone(built);
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeping);
    if (!this.latest) return;
    this.latest.replaced = true;
    this.closeIfDone(this.latest);
    this.latest = undefined;
  }

  private builtFor(importId: string): Built {
    if (this.latest?.importId === importId) return this.latest;
    if (this.latest) {
      this.latest.replaced = true;
      this.closeIfDone(this.latest);
    }
    const directory = this.builds.then(() => directoryAsOf(this.store, importId, { tmpDir: this.tmpDir }));
    this.builds = directory.catch(() => undefined);
    this.latest = { importId, directory, readers: 0, replaced: false };
    return this.latest;
  }

  private closeIfDone(built: Built): void {
    if (built.replaced && built.readers === 0) {
      built.directory
        .then(
          (directory) => directory.close(),
          () => undefined, // its build failed, and the request that waited for it said so
        )
        .catch((error: Error) => this.logger.warn(`could not remove the directory as of import ${built.importId}: ${error.message}`));
    }
  }
}
