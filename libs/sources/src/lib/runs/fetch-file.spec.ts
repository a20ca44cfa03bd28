import type { Client } from 'basic-ftp';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFtp } from '../ftp/ftp-connect';
import { failedIfClosed, fetchFile } from './fetch-file';

jest.mock('../ftp/ftp-connect', () => ({ ...jest.requireActual('../ftp/ftp-connect'), openFtp: jest.fn() }));

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

/**
 * A served file another program may be writing: the fake client answers SIZE and MDTM from its
 * current content and downloads it at once.
 */
function servedFile(initial: string) {
  let content = initial;
  let modifiedAt = new Date('2026-01-01T06:00:00Z');
  const looks: number[] = [];
  const client = {
    closed: false,
    close: () => undefined,
    size: async () => {
      looks.push(performance.now());
      return Buffer.byteLength(content);
    },
    lastMod: async () => modifiedAt,
    downloadTo: async (path: string) => writeFileSync(path, content),
  };
  jest.mocked(openFtp).mockResolvedValue(client as unknown as Client);
  return {
    looks,
    append(text: string) {
      content += text;
      modifiedAt = new Date(modifiedAt.getTime() + 1000);
    },
  };
}

describe('fetchFile', () => {
  const endpoint = { host: 'ftp.example.com', port: 21, tls: 'explicit' as const, user: 'u', password: 'p', remotePath: '/users.csv', caCertificate: null };
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fetch-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes the second look at the file no sooner than the settle time after the first', async () => {
    const file = servedFile('email\na@example.com\n');
    const result = await fetchFile(endpoint, dir, 'run-1', { timeoutMs: 5_000, settleMs: 300 });
    expect(result).toMatchObject({ kind: 'fetched', file: { size: 20 } });
    expect(file.looks).toHaveLength(2);
    expect(file.looks[1] - file.looks[0]).toBeGreaterThanOrEqual(300);
    expect(readdirSync(dir)).toEqual(['run-1']);
  });

  it('refuses a small file downloaded whole between two writes: the next write lands within the settle time', async () => {
    const file = servedFile('email\na@example.com\n');
    const writer = setTimeout(() => file.append('b@example.com\n'), 100);
    const result = await fetchFile(endpoint, dir, 'run-2', { timeoutMs: 5_000, settleMs: 300 });
    clearTimeout(writer);
    expect(result).toMatchObject({ kind: 'changing', reason: expect.stringMatching(/^the file changed during the download \(size 20 → 34/) });
    expect(readdirSync(dir)).toEqual([]);
  });
});
