import { FTPError } from 'basic-ftp';
import { posix } from 'node:path';
import type { CheckResult, StepResult } from '../model/source';
import type { FtpEndpoint } from './endpoint';
import { errorText, FtpStepError, openFtp, type TlsStepResult } from './ftp-connect';

const notTried = (because: string): StepResult => ({ ok: false, skipped: true, message: `not tried: ${because}` });

/**
 * "Check connection": reaches the server, shakes hands over TLS, logs in and looks at the file,
 * reporting each as its own result. Nothing is downloaded.
 */
export async function checkConnection(endpoint: FtpEndpoint, timeoutMs: number): Promise<CheckResult> {
  const result: Omit<CheckResult, 'ok'> = {
    checkedAt: new Date().toISOString(),
    reach: notTried('the check stopped before'),
    tls: notTried('the server could not be reached'),
    login: notTried('the server could not be reached'),
    file: notTried('the server could not be reached'),
  };
  let client;
  try {
    client = await openFtp(endpoint, timeoutMs, {
      reach: (step) => (result.reach = step),
      tls: (step: TlsStepResult) => {
        result.tls = step;
        if (!step.ok) result.login = result.file = notTried('the TLS handshake failed (the password is not sent over an untrusted connection)');
      },
      login: (step) => {
        result.login = step;
        if (!step.ok) result.file = notTried('the login failed');
      },
    });
    result.file = await inspectFile(client, endpoint.remotePath);
  } catch (error) {
    if (!(error instanceof FtpStepError)) throw error;
  } finally {
    client?.close();
  }
  const ok = [result.reach, result.tls, result.login, result.file].every((step) => step.ok);
  return { ok, ...result };
}

async function inspectFile(client: Awaited<ReturnType<typeof openFtp>>, remotePath: string): Promise<CheckResult['file']> {
  let size: number;
  try {
    size = await client.size(remotePath);
  } catch (error) {
    if (!(error instanceof FTPError)) return { ok: false, message: `the connection broke while looking for ${remotePath}: ${errorText(error)}` };
    return { ok: false, message: await explainMissing(client, remotePath, errorText(error)) };
  }
  let modifiedAt: string | null = null;
  let modifiedNote = '';
  try {
    modifiedAt = (await client.lastMod(remotePath)).toISOString();
  } catch (error) {
    modifiedNote = `; its modified time is unknown (MDTM: ${errorText(error)}), so a run can only detect a file being written by its size changing`;
  }
  return {
    ok: true,
    size,
    modifiedAt,
    message: `${remotePath} exists: ${size} bytes${modifiedAt ? `, modified ${modifiedAt}` : ''}${size === 0 ? ' (empty: an import of it would fail)' : ''}${modifiedNote}`,
  };
}

/** Tells a missing file from a missing or unreadable directory, so the administrator knows which part of the path to fix. */
async function explainMissing(client: Awaited<ReturnType<typeof openFtp>>, remotePath: string, serverText: string): Promise<string> {
  const directory = posix.dirname(remotePath);
  try {
    await client.cd(directory); // LIST of a missing directory is an empty success on some servers; CWD is not
    const names = (await client.list()).map((entry) => entry.name);
    const shown = names.slice(0, 10).join(', ') + (names.length > 10 ? `, … (${names.length} entries)` : '');
    return `no readable file at ${remotePath} (server said: ${serverText}); the directory ${directory} exists${names.length ? ` and holds: ${shown}` : ' but is empty'}; check the file name and that user may read it`;
  } catch {
    return `no readable file at ${remotePath} (server said: ${serverText}); the directory ${directory} does not exist or this user may not read it: check the path, as the FTP server shows it (absolute, with /)`;
  }
}
