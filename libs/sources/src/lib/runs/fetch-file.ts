import { FTPError, type Client } from 'basic-ftp';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FetchedFile } from '../model/source';
import type { FtpEndpoint } from '../ftp/endpoint';
import { errorText, FtpStepError, openFtp } from '../ftp/ftp-connect';

export type FetchResult = { kind: 'fetched'; path: string; file: FetchedFile } | { kind: 'changing'; reason: string };

export interface FetchTimings {
  /** Inactivity timeout of the FTP connection. */
  timeoutMs: number;
  /** The least time between the two looks at the file's size and modified time. */
  settleMs: number;
}

/**
 * Downloads the endpoint's file into `dir` without ever presenting a partial file as complete: it
 * goes to `<name>.part`, its byte count must equal the server's size, and the size and modified time
 * must be the same at a look before the transfer and at a look after it, made at least `settleMs`
 * after the first (else the file is still being written: `changing`). The wait is measured on this
 * machine's monotonic clock, so the server's clock does not matter, and a small file fetched between
 * two writes is still caught. Only then is it renamed to `<name>`. Throws FtpStepError (connection,
 * login, missing file) or an Error (transfer broken); the part file is removed then. Aborting
 * closes the connection.
 */
export async function fetchFile(endpoint: FtpEndpoint, dir: string, name: string, timings: FetchTimings, signal?: AbortSignal): Promise<FetchResult> {
  const partial = join(dir, `${name}.part`);
  const complete = join(dir, name);
  const client = await openFtp(endpoint, timings.timeoutMs);
  const abort = () => client.close();
  signal?.addEventListener('abort', abort);
  try {
    signal?.throwIfAborted();
    const before = await describeRemote(client, endpoint.remotePath);
    const settledAt = performance.now() + timings.settleMs;
    await failedIfClosed(client, client.downloadTo(partial, endpoint.remotePath));
    // A timer may fire a fraction of a millisecond early by this clock: wait until it is past.
    for (let wait = settledAt - performance.now(); wait > 0; wait = settledAt - performance.now()) await sleep(Math.ceil(wait), undefined, { signal });
    const after = await describeRemote(client, endpoint.remotePath);
    if (before.size !== after.size || before.modifiedAt !== after.modifiedAt) {
      await rm(partial, { force: true });
      return {
        kind: 'changing',
        reason:
          `the file changed during the download (size ${before.size} → ${after.size}, modified ${before.modifiedAt ?? '?'} → ${after.modifiedAt ?? '?'}): ` +
          'it is probably still being written; nothing was imported and the run is retried later',
      };
    }
    const received = (await stat(partial)).size;
    if (received !== after.size) {
      throw new Error(`incomplete download: received ${received} of ${after.size} bytes; nothing was imported`);
    }
    await rename(partial, complete);
    return { kind: 'fetched', path: complete, file: { size: received, sha256: await sha256Of(complete), modifiedAt: after.modifiedAt } };
  } catch (error) {
    await rm(partial, { force: true });
    if (error instanceof FtpStepError) throw error;
    if (signal?.aborted) throw new Error('the run was interrupted (the service is stopping); nothing was imported');
    throw new Error(`the download of ${endpoint.remotePath} failed: ${errorText(error)}; nothing was imported`);
  } finally {
    signal?.removeEventListener('abort', abort);
    client.close();
  }
}

/** How long a closed client's transfer may take to report its own error before it counts as failed. */
const CLOSED_TRANSFER_GRACE_MS = 1_000;

/**
 * The transfer, failed soon after its client has closed. basic-ftp 6.2.3 can leave a download
 * pending for ever when the data connection is gone before the transfer starts (a server that
 * dies at that moment): the client closes itself, but the task never settles, and the run would
 * hold its source's lock for good. Seen under CPU load in the suite's "server stops mid-transfer"
 * test. The client removes its sockets' listeners as it closes, so its state is polled. The
 * abandoned task keeps its local file descriptor.
 */
export function failedIfClosed<T>(client: Pick<Client, 'closed'>, transfer: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let closedAt: number | undefined;
    const watch = setInterval(() => {
      if (!client.closed) return;
      closedAt ??= Date.now();
      if (Date.now() - closedAt < CLOSED_TRANSFER_GRACE_MS) return;
      clearInterval(watch);
      reject(new Error('the connection closed during the transfer'));
    }, 100);
    transfer.then(resolve, reject).finally(() => clearInterval(watch));
  });
}

async function describeRemote(client: Client, remotePath: string): Promise<{ size: number; modifiedAt: string | null }> {
  let size: number;
  try {
    size = await client.size(remotePath);
  } catch (error) {
    if (error instanceof FTPError) throw new FtpStepError('file', `no readable file at ${remotePath} (server said: ${errorText(error)}): check the path, and run "check connection" for details`);
    throw error;
  }
  let modifiedAt: string | null = null;
  try {
    modifiedAt = (await client.lastMod(remotePath)).toISOString();
  } catch (error) {
    if (!(error instanceof FTPError)) throw error; // MDTM unsupported: the size comparison still guards
  }
  return { size, modifiedAt };
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
