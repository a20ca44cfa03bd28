import type { AllStreamResolvedEvent, Filter } from '@kurrent/kurrentdb-client';
import { START, type EventHandler, type RecordedEvent, type SubscribeOptions, type Subscription } from '../event-store.port';
import type { KurrentDbClientLike, KurrentDbSubscriptionLike } from './kurrentdb-client-like';
import { commitPositionOf, isPermanentSubscriptionError, toReadPosition } from './kurrentdb-mapping';
import { backoffDelay, describeError } from './retry';

export interface ResubscribePolicy {
  /** Wait before the first resubscription after a drop; doubled after each further drop. Default 200 ms. */
  initialDelayMs: number;
  /** Longest wait between resubscriptions. Default 5 s. There is no limit on their number. */
  maxDelayMs: number;
}

export interface KurrentDbSubscriptionSettings {
  serverFilter: Filter;
  /** The port event for a received one, or undefined to skip it (hidden, or filtered out). */
  toEvent: (resolved: AllStreamResolvedEvent) => RecordedEvent | undefined;
  resubscribe: ResubscribePolicy;
  /** Events queued for the handler before the server stream is paused. */
  highWaterMark: number;
  onWarning: (message: string) => void;
  onStopped: (subscription: KurrentDbSubscription) => void;
}

/** Marks, in the queue, where the server said the subscription caught up. */
const CAUGHT_UP = Symbol('caught up');
type Item = RecordedEvent | typeof CAUGHT_UP;

/** One server subscription; a new one replaces it after each drop. */
interface Connection {
  readonly server: KurrentDbSubscriptionLike;
  /** 'data' events received so far. */
  received: number;
  /** The caught-up mark goes into the queue once this many events have been received. */
  caughtUpAfter?: number;
  paused: boolean;
}

/**
 * A catch-up subscription to $all: the server's `subscribeToAll` delivers the stored events after
 * the start position, says `caughtUp`, then delivers live events. Received events wait in a queue
 * and go to the handler one at a time; the server stream is paused while the queue is full. When
 * the server subscription drops (an 'error' or an unexpected end), a new one starts, after a
 * backoff, from the position of the last event handed to the handler, so nothing is skipped and
 * nothing is handled twice.
 */
export class KurrentDbSubscription implements Subscription {
  private stopped = false;
  private readonly queue: Item[] = [];
  private connection: Connection | undefined;
  /** Position of the last event handed to the handler: the exclusive start of a resubscription. */
  private lastDispatched: number;
  private caughtUpReported = false;
  private drops = 0;
  private resubscribeTimer: NodeJS.Timeout | undefined;
  private wakeConsumer: (() => void) | undefined;
  private readonly done: Promise<void>;
  private startError: unknown;

  constructor(
    private readonly client: KurrentDbClientLike,
    private readonly handler: EventHandler,
    private readonly options: SubscribeOptions,
    private readonly settings: KurrentDbSubscriptionSettings,
  ) {
    this.lastDispatched = options.fromPosition ?? START;
    // The request goes out now, before any append the caller makes after subscribe() returns: the
    // server then counts those as live events, after the caught-up mark. (Appends already in flight
    // from elsewhere may land on either side: the server decides.)
    this.connect(true);
    this.done = this.run();
  }

  stop(): Promise<void> {
    this.halt();
    return this.done;
  }

  private async run(): Promise<void> {
    // Deliver nothing before subscribe() has returned the Subscription to its caller.
    await Promise.resolve();
    try {
      if (this.startError) throw this.startError;
      while (!this.stopped) {
        const item = this.queue.shift();
        if (item === undefined) {
          await this.waitForItems();
          continue;
        }
        this.resumeIfDrained();
        if (item === CAUGHT_UP) {
          this.reportCaughtUp();
          continue;
        }
        // Exclusive start, also across resubscriptions: never hand over an event twice.
        if (item.position <= this.lastDispatched) continue;
        this.lastDispatched = item.position;
        await this.handler(item);
      }
    } catch (error) {
      this.halt();
      this.report(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.settings.onStopped(this);
    }
  }

  private connect(starting = false): void {
    let server: KurrentDbSubscriptionLike;
    try {
      server = this.client.subscribeToAll({
        fromPosition: toReadPosition(this.lastDispatched),
        filter: this.settings.serverFilter,
      });
    } catch (error) {
      if (starting) {
        // Reported by run(), once subscribe() has returned.
        this.startError = error;
      } else {
        this.halt();
        this.report(error instanceof Error ? error : new Error(String(error)));
      }
      return;
    }
    const connection: Connection = { server, received: 0, paused: false };
    this.connection = connection;

    server.on('data', (resolved) => {
      if (this.connection !== connection) return;
      connection.received++;
      this.drops = 0;
      const event = this.settings.toEvent(resolved);
      const position = commitPositionOf(resolved);
      if (event && (position === undefined || position > this.lastDispatched)) this.enqueue(event);
      if (connection.caughtUpAfter === connection.received) {
        connection.caughtUpAfter = undefined;
        this.enqueue(CAUGHT_UP);
      }
    });
    server.on('caughtUp', () => {
      if (this.connection !== connection) return;
      this.drops = 0;
      // Events the server sent before catching up may still sit in the paused stream's buffer:
      // the mark goes after them, so onCaughtUp follows the last backlog event.
      const buffered = server.readableLength;
      if (buffered === 0) this.enqueue(CAUGHT_UP);
      else connection.caughtUpAfter = connection.received + buffered;
    });
    server.on('error', (error) => this.dropped(connection, error));
    server.on('end', () => this.dropped(connection, new Error('the server ended the subscription')));
  }

  private enqueue(item: Item): void {
    this.queue.push(item);
    const connection = this.connection;
    if (connection && !connection.paused && this.queue.length >= this.settings.highWaterMark) {
      connection.paused = true;
      connection.server.pause();
    }
    this.wakeConsumer?.();
  }

  private resumeIfDrained(): void {
    const connection = this.connection;
    if (connection?.paused && this.queue.length <= this.settings.highWaterMark / 2) {
      connection.paused = false;
      connection.server.resume();
    }
  }

  private dropped(connection: Connection, error: Error): void {
    if (this.stopped || this.connection !== connection) return;
    this.disconnect();
    if (isPermanentSubscriptionError(error)) {
      this.halt();
      this.report(error);
      return;
    }
    // Queued events are dropped too: the new subscription starts after the last one handed over.
    this.queue.length = 0;
    this.drops++;
    const delay = backoffDelay(this.settings.resubscribe, this.drops);
    this.settings.onWarning(
      `Subscription to $all dropped (${describeError(error)}); resubscribing after position ${this.lastDispatched} in ${delay} ms`,
    );
    this.resubscribeTimer = setTimeout(() => {
      this.resubscribeTimer = undefined;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private disconnect(): void {
    const connection = this.connection;
    this.connection = undefined;
    if (!connection) return;
    connection.server.removeAllListeners();
    // A late 'error' with no listener would crash the process.
    connection.server.on('error', () => undefined);
    connection.server.unsubscribe().catch(() => undefined);
  }

  /** Stops for good: no more events, no resubscription. */
  private halt(): void {
    this.stopped = true;
    clearTimeout(this.resubscribeTimer);
    this.resubscribeTimer = undefined;
    this.disconnect();
    this.queue.length = 0;
    this.wakeConsumer?.();
  }

  private reportCaughtUp(): void {
    if (this.caughtUpReported) return;
    this.caughtUpReported = true;
    this.options.onCaughtUp?.();
  }

  private waitForItems(): Promise<void> {
    if (this.queue.length > 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      this.wakeConsumer = () => {
        this.wakeConsumer = undefined;
        resolve();
      };
    });
  }

  private report(error: Error): void {
    if (this.options.onError) this.options.onError(error);
    // Nobody listens: an unhandled rejection is loud, a silently dead subscription is not.
    else void Promise.reject(error);
  }
}
