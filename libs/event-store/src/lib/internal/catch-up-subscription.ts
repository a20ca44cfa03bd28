import { setImmediate as nextMacrotask } from 'node:timers/promises';
import {
  START,
  type EventHandler,
  type LogFilter,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store.port';

/** What a catch-up subscription needs from an adapter: synchronous, paged reads of the log. */
export interface LogPageSource {
  /** Up to `limit` events after `position` that match `filter`, in position order. */
  readPage(position: number, filter: LogFilter | undefined, limit: number): RecordedEvent[];
  headPosition(): number;
}

export interface CatchUpSettings {
  pageSize: number;
  /** When set, look for new events this often even without a wake (appends by other processes). */
  pollIntervalMs?: number;
  /** Told once when the subscription has stopped for good. */
  onStopped?: (subscription: CatchUpSubscription) => void;
}

/**
 * Delivers the log page by page, one event at a time, then waits for a wake (an append through the
 * same store) or the next poll and reads on from the last delivered position. Reading from a
 * position rather than pushing appended events keeps one code path for backlog and live events,
 * and it cannot skip or reorder events.
 */
export class CatchUpSubscription implements Subscription {
  private stopped = false;
  /** Set by wake(); checked before sleeping so an append during a read is not missed. */
  private wakeRequested = false;
  private endWait?: () => void;
  private caughtUp = false;
  /** Everything up to this position was stored when the subscription started: the backlog. */
  private readonly backlogEnd: number;
  private readonly done: Promise<void>;

  constructor(
    private readonly source: LogPageSource,
    private readonly handler: EventHandler,
    private readonly options: SubscribeOptions,
    private readonly settings: CatchUpSettings,
  ) {
    this.backlogEnd = source.headPosition();
    this.done = this.run();
  }

  /** New events may be stored: read now instead of at the next poll. */
  wake(): void {
    this.wakeRequested = true;
    this.endWait?.();
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.endWait?.();
    return this.done;
  }

  private async run(): Promise<void> {
    // Deliver nothing before subscribe() has returned the Subscription to its caller.
    await Promise.resolve();
    let position = this.options.fromPosition ?? START;
    try {
      while (!this.stopped) {
        this.wakeRequested = false;
        const head = this.source.headPosition();
        const page = this.source.readPage(position, this.options.filter, this.settings.pageSize);
        for (const event of page) {
          if (this.stopped) return;
          // The first event past the backlog, or (below) a read that reached the head, ends it.
          if (event.position > this.backlogEnd) this.markCaughtUp();
          await this.handler(event);
          position = event.position;
        }
        if (this.stopped) return;
        if (page.length < this.settings.pageSize) {
          // A short page read the whole log up to `head` (at or after the backlog end). Moving
          // past it spares the next reads from rescanning events the filter skipped.
          position = Math.max(position, head);
          this.markCaughtUp();
          await this.waitForNewEvents();
        } else {
          // Let timers and I/O run between pages of a long catch-up.
          await nextMacrotask();
        }
      }
    } catch (error) {
      this.stopped = true;
      this.report(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.settings.onStopped?.(this);
    }
  }

  private markCaughtUp(): void {
    if (this.caughtUp) return;
    this.caughtUp = true;
    this.options.onCaughtUp?.();
  }

  private waitForNewEvents(): Promise<void> {
    if (this.wakeRequested || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.endWait = undefined;
        resolve();
      };
      const timer =
        this.settings.pollIntervalMs === undefined ? undefined : setTimeout(finish, this.settings.pollIntervalMs);
      this.endWait = finish;
    });
  }

  private report(error: Error): void {
    if (this.options.onError) this.options.onError(error);
    // Nobody listens: an unhandled rejection is loud, a silently dead subscription is not.
    else void Promise.reject(error);
  }
}
