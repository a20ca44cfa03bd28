import { on } from 'node:events';
import type { MessagePort, Worker } from 'node:worker_threads';

/** What a worker posts on a batch stream, in order: batches, then an end or an error. */
export type BatchMessage<B, E> = { kind: 'batch'; batch: B } | { kind: 'end' } | { kind: 'error'; error: E };

/**
 * The worker's end of a batch stream. It posts batches to the reader, never more than
 * `batchesAhead` that the reader has not taken yet, so a worker that reads faster than its reader
 * holds a bounded amount in memory; the reader's every message is room for one more.
 */
export class BatchSender<B, E = SerializedError> {
  private room: number;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly port: MessagePort,
    batchesAhead: number,
  ) {
    this.room = batchesAhead;
    // The room goes straight to the first waiting batch, if any, so that batches go in the order sent.
    port.on('message', () => {
      const next = this.waiting.shift();
      if (next) next();
      else this.room++;
    });
  }

  /** Resolves once the batch is posted: at once while there is room ahead, else when the reader takes one. Batches go in the order sent. */
  async send(batch: B): Promise<void> {
    if (this.room > 0) this.room--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.post({ kind: 'batch', batch });
  }

  end(): void {
    this.post({ kind: 'end' });
  }

  fail(error: E): void {
    this.post({ kind: 'error', error });
  }

  private post(message: BatchMessage<B, E>): void {
    this.port.postMessage(message);
  }
}

export interface BatchStreamOptions<E> {
  /** Names the thread when it stops before its end, e.g. "the CSV parsing thread". */
  thread: string;
  /** The error to throw for the one the worker sent. */
  revive: (error: E) => Error;
}

/**
 * The reader's end: the batches of the worker `start` creates, in order. It throws the worker's
 * error, a crash (an exception the worker did not catch, memory) or an exit before the end, and
 * terminates the worker when the reader stops: at the end, on an error, or when it leaves early.
 * The worker is created here so that no message can come before the listener.
 */
export async function* receiveBatches<B, E = SerializedError>(start: () => Worker, options: BatchStreamOptions<E>): AsyncGenerator<B> {
  const worker = start();
  let exitCode: number | undefined;
  worker.once('exit', (code) => (exitCode = code));
  // Queued as they come (at most the batches ahead); an 'error' event rejects, an exit ends the loop.
  const messages = on(worker, 'message', { close: ['exit'] }) as AsyncIterableIterator<[BatchMessage<B, E>]>;
  try {
    for await (const [message] of messages) {
      if (message.kind === 'end') return;
      if (message.kind === 'error') throw options.revive(message.error);
      worker.postMessage('more');
      yield message.batch;
    }
    throw new Error(`${options.thread} stopped before its end (exit code ${exitCode})`);
  } finally {
    await worker.terminate();
  }
}

/** An error as it crosses a thread: its name, message, code and stack. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

export function serializeError(error: unknown): SerializedError {
  // Anything may be thrown, null included.
  const { name = 'Error', message = String(error), code, stack } = (error ?? {}) as Partial<SerializedError>;
  return { name, message, code, stack };
}

export function reviveError({ name, message, code, stack }: SerializedError): Error {
  return Object.assign(new Error(message), { name, code, stack: stack ?? message });
}
