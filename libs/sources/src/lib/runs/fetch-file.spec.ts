import { failedIfClosed } from './fetch-file';

describe('failedIfClosed', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const never = new Promise<never>(() => undefined);

  it('fails a transfer that never settles once its client has been closed for a second', async () => {
    const client = { closed: false };
    const transfer = failedIfClosed(client, never);
    const outcome = transfer.then(() => 'resolved', (error: Error) => error.message);

    await jest.advanceTimersByTimeAsync(5_000);
    client.closed = true;
    await jest.advanceTimersByTimeAsync(900);
    expect(jest.getTimerCount()).toBe(1); // still within the grace
    await jest.advanceTimersByTimeAsync(200);

    await expect(outcome).resolves.toBe('the connection closed during the transfer');
    expect(jest.getTimerCount()).toBe(0);
  });

  it("keeps the transfer's own outcome when it settles, and stops watching", async () => {
    const client = { closed: false };
    await expect(failedIfClosed(client, Promise.resolve('done'))).resolves.toBe('done');
    await expect(failedIfClosed({ closed: true }, Promise.reject(new Error('read ECONNRESET')))).rejects.toThrow('read ECONNRESET');
    expect(jest.getTimerCount()).toBe(0);
  });
});
