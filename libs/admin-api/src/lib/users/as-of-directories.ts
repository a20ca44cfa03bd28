import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@dirsync/event-store';
import { directoryAsOf, type AsOfDirectory, type UserPage, type UserQuery } from '@dirsync/projections';

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
export class AsOfDirectories implements OnModuleDestroy {
  private latest?: Built;
  private builds: Promise<unknown> = Promise.resolve();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

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
    const directory = this.builds.then(() => directoryAsOf(this.store, importId));
    this.builds = directory.catch(() => undefined);
    this.latest = { importId, directory, readers: 0, replaced: false };
    return this.latest;
  }

  private closeIfDone(built: Built): void {
    if (built.replaced && built.readers === 0) {
      built.directory.then(
        (directory) => directory.close(),
        () => undefined,
      );
    }
  }
}
