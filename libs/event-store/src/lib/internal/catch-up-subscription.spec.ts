import type { LogFilter, RecordedEvent } from '../event-store.port';
import { CatchUpSubscription, type LogPageSource } from './catch-up-subscription';

/** A log in an array, recording where each page read started. */
class FakeLog implements LogPageSource {
  readonly events: RecordedEvent[] = [];
  readonly readsFrom: number[] = [];

  add(streamId: string): void {
    const position = this.events.length + 1;
    this.events.push({ id: `${position}`, type: 'T', streamId, revision: 0, position, data: {}, metadata: {}, recordedAt: '' });
  }

  readPage(position: number, filter: LogFilter | undefined, limit: number): RecordedEvent[] {
    this.readsFrom.push(position);
    const prefixes = filter?.streamPrefixes ?? [''];
    return this.events
      .filter((event) => event.position > position && prefixes.some((prefix) => event.streamId.startsWith(prefix)))
      .slice(0, limit);
  }

  headPosition(): number {
    return this.events.length;
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('CatchUpSubscription', () => {
  it('reads on from the head after a short page, not from the last matching event', async () => {
    const log = new FakeLog();
    log.add('a-1');
    log.add('b-1');
    log.add('b-2');
    const received: string[] = [];
    const subscription = new CatchUpSubscription(
      log,
      (event) => void received.push(event.streamId),
      { filter: { streamPrefixes: ['a-'] } },
      { pageSize: 10 },
    );
    await tick();

    log.add('b-3');
    subscription.wake();
    await tick();
    await subscription.stop();

    expect(received).toEqual(['a-1']);
    expect(log.readsFrom).toEqual([0, 3]);
  });

  it('polls for events it was not woken for', async () => {
    const log = new FakeLog();
    const received: string[] = [];
    const subscription = new CatchUpSubscription(log, (event) => void received.push(event.streamId), {}, {
      pageSize: 10,
      pollIntervalMs: 5,
    });
    await tick();

    log.add('a-1');
    await tick();
    await tick();
    await subscription.stop();

    expect(received).toEqual(['a-1']);
  });

  it('tells its owner once it has stopped', async () => {
    const stopped = jest.fn();
    const subscription = new CatchUpSubscription(new FakeLog(), () => undefined, {}, { pageSize: 10, onStopped: stopped });

    await subscription.stop();

    expect(stopped).toHaveBeenCalledWith(subscription);
  });
});
