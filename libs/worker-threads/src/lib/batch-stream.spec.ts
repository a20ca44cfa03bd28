import { MessageChannel, Worker } from 'node:worker_threads';
import { BatchSender, receiveBatches, reviveError, serializeError, type BatchMessage, type SerializedError } from './batch-stream';

/** A worker from plain JavaScript: the reader's side does not care how the worker posts. */
const evalWorker = (code: string) => () => new Worker(`const { parentPort } = require('node:worker_threads');\n${code}`, { eval: true });
const options = { thread: 'the test thread', revive: reviveError };

async function readAll<B>(batches: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

describe('BatchSender', () => {
  it('posts no more than the batches ahead until the reader makes room, one batch per message', async () => {
    const { port1: worker, port2: reader } = new MessageChannel();
    const received: BatchMessage<number, SerializedError>[] = [];
    reader.on('message', (message) => received.push(message));
    const sender = new BatchSender<number>(worker, 2);
    const sent = [1, 2, 3, 4].map((n) => sender.send(n));
    await Promise.all(sent.slice(0, 2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([
      { kind: 'batch', batch: 1 },
      { kind: 'batch', batch: 2 },
    ]);
    reader.postMessage('more');
    await sent[2];
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received.map((message) => message.kind === 'batch' && message.batch)).toEqual([1, 2, 3]);
    reader.postMessage('more');
    await sent[3];
    worker.close();
  });

  it('posts the end and an error as they are', async () => {
    const { port1: worker, port2: reader } = new MessageChannel();
    const received: unknown[] = [];
    reader.on('message', (message) => received.push(message));
    const sender = new BatchSender<number>(worker, 1);
    sender.fail(serializeError(new Error('boom')));
    sender.end();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([{ kind: 'error', error: expect.objectContaining({ name: 'Error', message: 'boom' }) }, { kind: 'end' }]);
    worker.close();
  });
});

describe('receiveBatches', () => {
  it('yields the batches in order, making room for each, and ends at the end', async () => {
    const worker = evalWorker(`
      let next = 0;
      const post = () => parentPort.postMessage(next < 5 ? { kind: 'batch', batch: [next++] } : { kind: 'end' });
      post();
      parentPort.on('message', post); // one batch ahead: the next only once the reader took one
    `);
    expect(await readAll(receiveBatches<number[]>(worker, options))).toEqual([[0], [1], [2], [3], [4]]);
  });

  it("throws the worker's error as the revive function makes it", async () => {
    const worker = evalWorker(`parentPort.postMessage({ kind: 'batch', batch: 1 }); parentPort.postMessage({ kind: 'error', error: { name: 'Error', message: 'line 9 is not JSON', code: 'EBAD' } });`);
    const read: number[] = [];
    const reading = (async () => {
      for await (const batch of receiveBatches<number>(worker, options)) read.push(batch);
    })();
    await expect(reading).rejects.toMatchObject({ message: 'line 9 is not JSON', code: 'EBAD' });
    expect(read).toEqual([1]);
  });

  it('throws when the worker crashes', async () => {
    await expect(readAll(receiveBatches(evalWorker(`throw new Error('the worker crashed');`), options))).rejects.toThrow('the worker crashed');
  });

  it('throws, naming the thread and its exit code, when the worker exits before its end', async () => {
    const worker = evalWorker(`parentPort.postMessage({ kind: 'batch', batch: 1 }); setTimeout(() => process.exit(3), 20);`);
    await expect(readAll(receiveBatches(worker, options))).rejects.toThrow('the test thread stopped before its end (exit code 3)');
  });

  it('terminates the worker when the reader leaves early', async () => {
    let started: Worker | undefined;
    const start = () => (started = evalWorker(`parentPort.postMessage({ kind: 'batch', batch: 1 }); setInterval(() => {}, 1000);`)());
    for await (const _batch of receiveBatches(start, options)) break;
    // Kept alive by its timer, the worker would never end by itself; a terminated one has no thread id.
    expect(started?.threadId).toBe(-1);
  });
});

describe('serializeError and reviveError', () => {
  it("keep an error's name, message, code and stack across a thread", () => {
    const error = Object.assign(new Error("ENOENT: no such file or directory, open 'users.csv'"), { code: 'ENOENT' });
    const revived = reviveError(structuredClone(serializeError(error)));
    expect(revived).toBeInstanceOf(Error);
    expect(revived).toMatchObject({ name: 'Error', message: error.message, code: 'ENOENT', stack: error.stack });
  });

  it.each([
    ['a string', 'disk on fire', 'disk on fire'],
    ['null', null, 'null'],
    ['undefined', undefined, 'undefined'],
  ])('turn %s that was thrown into a message', (_name, thrown, message) => {
    expect(serializeError(thrown)).toEqual({ name: 'Error', message, code: undefined, stack: undefined });
    expect(reviveError(serializeError(thrown)).message).toBe(message);
  });
});
