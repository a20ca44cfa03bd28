import { performance } from 'node:perf_hooks';
import type { Instrumentation } from './types';

/**
 * Wraps methods of live objects (the store, read models, runner of a booted pipeline) to count
 * calls, items and synchronous time, without touching the pipeline's code. Used in profiled runs:
 * the counters show how often the hot paths run, the CPU profile how long they take.
 */
export class Instruments {
  readonly counters: Instrumentation = {};

  private counter(name: string) {
    return (this.counters[name] ??= { calls: 0, ms: 0, items: 0 });
  }

  /** A method that does its work synchronously (better-sqlite3 calls), even if it returns a promise. */
  timeSync<T extends object>(target: T, method: keyof T & string, name: string, itemsOf?: (args: unknown[]) => number): void {
    const original = target[method] as unknown as (...args: unknown[]) => unknown;
    const counter = this.counter(name);
    (target as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
      const start = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        counter.ms += performance.now() - start;
        counter.calls++;
        if (itemsOf) counter.items = (counter.items ?? 0) + itemsOf(args);
      }
    };
  }

  /** A method returning a promise: time until it settles (includes whatever else the event loop ran). */
  timeAsync<T extends object>(target: T, method: keyof T & string, name: string): { last: () => number } {
    const original = target[method] as unknown as (...args: unknown[]) => Promise<unknown>;
    const counter = this.counter(name);
    let last = 0;
    (target as Record<string, unknown>)[method] = async function (this: unknown, ...args: unknown[]) {
      const start = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        last = performance.now() - start;
        counter.ms += last;
        counter.calls++;
      }
    };
    return { last: () => last };
  }

  /** A method returning an async iterable: counts calls and the items they yield. */
  countIterable<T extends object>(target: T, method: keyof T & string, name: string): void {
    const original = target[method] as unknown as (...args: unknown[]) => AsyncIterable<unknown>;
    const counter = this.counter(name);
    (target as Record<string, unknown>)[method] = function (this: unknown, ...args: unknown[]) {
      counter.calls++;
      const source = original.apply(this, args);
      return (async function* () {
        for await (const item of source) {
          counter.items = (counter.items ?? 0) + 1;
          yield item;
        }
      })();
    };
  }
}
