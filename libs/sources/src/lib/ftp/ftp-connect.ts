import { Client, FTPError } from 'basic-ftp';
import { X509Certificate } from 'node:crypto';
import { isIP, connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, rootCertificates, type ConnectionOptions, type TLSSocket } from 'node:tls';
import type { CertificateInfo, StepResult } from '../model/source';
import type { FtpEndpoint } from './endpoint';

export type FtpStep = 'reach' | 'tls' | 'login' | 'file';

/** A step of reaching the file failed; the message says what to do about it. */
export class FtpStepError extends Error {
  override readonly name = 'FtpStepError';
  constructor(
    readonly step: FtpStep,
    message: string,
    readonly certificate?: CertificateInfo,
  ) {
    super(message);
  }
}

export interface TlsStepResult extends StepResult {
  protocol?: string;
  certificate?: CertificateInfo;
}

export interface FtpConnectObserver {
  reach?(result: StepResult): void;
  tls?(result: TlsStepResult): void;
  login?(result: StepResult): void;
}

const EXPIRY_WARNING_DAYS = 30;

/**
 * TLS options for a source, for every socket: control and data. Verification is always on, set here
 * so that NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment cannot turn it off: a configured CA (PEM)
 * is trusted in addition to the system CAs, never instead of checking. The host is set for the
 * session resumption of data connections (servers with `require_ssl_reuse`); SNI only for names
 * (RFC 6066 forbids IP addresses).
 */
export function tlsOptionsFor(endpoint: Pick<FtpEndpoint, 'host' | 'caCertificate'>): ConnectionOptions {
  return {
    host: endpoint.host,
    ...(isIP(endpoint.host) === 0 ? { servername: endpoint.host } : {}),
    ...(endpoint.caCertificate ? { ca: [...rootCertificates, endpoint.caCertificate] } : {}),
    minVersion: 'TLSv1.2',
    rejectUnauthorized: true,
  };
}

/**
 * Opens a logged-in client (binary mode; protected data channel under TLS), step by step, reporting
 * each step to `observer`. Throws FtpStepError naming the step that failed; the client is closed then.
 * A timeout closes the client (basic-ftp): every run opens its own.
 */
export async function openFtp(endpoint: FtpEndpoint, timeoutMs: number, observer: FtpConnectObserver = {}): Promise<Client> {
  const client = new Client(timeoutMs);
  const { host, port } = endpoint;
  const fail = (step: FtpStep, message: string, certificate?: CertificateInfo): never => {
    client.close();
    const result = { ok: false, message, ...(certificate ? { certificate } : {}) };
    observer[step as Exclude<FtpStep, 'file'>]?.(result);
    throw new FtpStepError(step, message, certificate);
  };
  const options = tlsOptionsFor(endpoint);

  if (endpoint.tls === 'implicit') {
    // Reach and handshake on a socket of our own, so that the certificate of a failed handshake can be
    // described; then basic-ftp opens its connection (verifying again).
    let socket: Socket;
    try {
      socket = await tcpConnect(host, port, timeoutMs);
    } catch (error) {
      return fail('reach', reachMessage(error, endpoint, timeoutMs));
    }
    observer.reach?.({ ok: true, message: `reached ${host}:${port}` });
    try {
      const { socket: secure, certificate } = await startTls(socket, options, timeoutMs);
      observer.tls?.(tlsSuccess(secure, certificate));
      secure.destroy();
    } catch (error) {
      socket.destroy();
      return fail('tls', tlsMessage(error, endpoint), (error as TlsHandshakeError).certificate);
    }
    try {
      await client.connectImplicitTLS(host, port, options);
    } catch (error) {
      return fail('tls', `TLS connection failed after a successful check: ${errorText(error)}`);
    }
  } else {
    let welcome: string;
    try {
      welcome = (await client.connect(host, port)).message;
    } catch (error) {
      return fail('reach', reachMessage(error, endpoint, timeoutMs));
    }
    observer.reach?.({ ok: true, message: `reached ${host}:${port} (server says "${welcome.trim().slice(0, 120)}")` });
    if (endpoint.tls === 'explicit') {
      try {
        await client.send('AUTH TLS');
      } catch (error) {
        return fail(
          'tls',
          `the server refused explicit TLS (AUTH TLS: ${errorText(error)}): ask its administrator to enable FTPS, or choose tls "implicit" if it listens for TLS on port 990`,
        );
      }
      try {
        const { socket, certificate } = await startTls(client.ftp.socket, options, timeoutMs);
        // Same sequence as basic-ftp's useTLS: the socket first (it resets the TLS options), then the
        // options that data connections reuse.
        client.ftp.socket = socket;
        client.ftp.tlsOptions = options;
        observer.tls?.(tlsSuccess(socket, certificate));
      } catch (error) {
        return fail('tls', tlsMessage(error, endpoint), (error as TlsHandshakeError).certificate);
      }
    } else {
      observer.tls?.({
        ok: true,
        skipped: true,
        message: 'TLS is off: the password and the file cross the network unencrypted; choose tls "explicit" if the server supports it',
      });
    }
  }

  try {
    await client.sendIgnoringError('OPTS UTF8 ON');
    await client.login(endpoint.user, endpoint.password);
    await client.useDefaultSettings();
  } catch (error) {
    return fail('login', loginMessage(error, endpoint));
  }
  observer.login?.({ ok: true, message: `logged in as "${endpoint.user}"` });
  return client;
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
    });
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

class TlsHandshakeError extends Error {
  constructor(
    readonly failure: Error & { code?: string },
    readonly certificate?: CertificateInfo,
  ) {
    super(failure.message);
  }
}

/**
 * A TLS client handshake over `socket` with verification on. Node destroys the socket of a rejected
 * certificate before reporting why; the certificate is read just before, so the message can say
 * which certificate was refused.
 */
function startTls(socket: Socket, options: ConnectionOptions, timeoutMs: number): Promise<{ socket: TLSSocket; certificate?: CertificateInfo }> {
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({ ...options, socket });
    let certificate: CertificateInfo | undefined;
    const readCertificate = () => {
      try {
        const x509 = secure.getPeerX509Certificate();
        if (x509) certificate = describeCertificate(x509);
      } catch {
        // no certificate to describe
      }
    };
    const destroy = secure.destroy.bind(secure);
    secure.destroy = ((error?: Error) => {
      if (!certificate) readCertificate();
      return destroy(error);
    }) as typeof secure.destroy;
    const onError = (error: Error) => reject(new TlsHandshakeError(error, certificate));
    secure.setTimeout(timeoutMs, () => secure.destroy(Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' })));
    secure.once('error', onError);
    secure.once('secureConnect', () => {
      secure.destroy = destroy;
      secure.setTimeout(0);
      secure.off('error', onError);
      readCertificate();
      resolve({ socket: secure, certificate });
    });
  });
}

export function describeCertificate(x509: X509Certificate): CertificateInfo {
  const oneLine = (name: string) => name.split('\n').filter(Boolean).join(', ');
  return {
    subject: oneLine(x509.subject),
    issuer: oneLine(x509.issuer),
    ...(x509.subjectAltName ? { subjectAltName: x509.subjectAltName } : {}),
    validFrom: new Date(x509.validFrom).toISOString(),
    validTo: new Date(x509.validTo).toISOString(),
    fingerprint256: x509.fingerprint256,
    selfSigned: x509.subject === x509.issuer,
  };
}

function tlsSuccess(socket: TLSSocket, certificate: CertificateInfo | undefined): TlsStepResult {
  const protocol = socket.getProtocol() ?? undefined;
  if (!certificate) return { ok: true, protocol, message: `${protocol ?? 'TLS'} established` };
  const days = Math.floor((Date.parse(certificate.validTo) - Date.now()) / 86_400_000);
  const expiry =
    days < EXPIRY_WARNING_DAYS
      ? `expires in ${days} day(s), on ${certificate.validTo}: have it renewed before then or runs will fail`
      : `valid until ${certificate.validTo}`;
  return {
    ok: true,
    protocol,
    certificate,
    message: `${protocol ?? 'TLS'} with a trusted certificate for ${certificate.subject} (issued by ${certificate.issuer}), ${expiry}`,
  };
}

function errorCode(error: unknown): string | undefined {
  const cause = error instanceof TlsHandshakeError ? error.failure : error;
  return (cause as { code?: string | number })?.code?.toString();
}

export function errorText(error: unknown): string {
  if (error instanceof FTPError) return `${error.code} ${error.message.replace(/^\d{3}[ -]?/, '').trim()}`;
  return error instanceof Error ? error.message : String(error);
}

function reachMessage(error: unknown, { host, port, tls }: FtpEndpoint, timeoutMs: number): string {
  const usual = tls === 'implicit' ? '990 for implicit TLS' : '21 for FTP and explicit TLS';
  switch (errorCode(error)) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host "${host}" was not found (DNS): check the server name`;
    case 'ECONNREFUSED':
      return `${host}:${port} refused the connection: no FTP server listens on that port; check the port (usually ${usual})`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `no network route to ${host}: check the address, and the firewall or VPN between us and the server`;
    case 'ECONNRESET':
      return `${host}:${port} accepted then dropped the connection: the server may refuse our address (ask its administrator) or it speaks another protocol on that port`;
    case 'ETIMEDOUT':
      return `no answer from ${host}:${port} within ${timeoutMs / 1000} s: check host and port, and that a firewall lets us through`;
  }
  const text = errorText(error);
  if (/timeout/i.test(text)) return `no answer from ${host}:${port} within ${timeoutMs / 1000} s: check host and port, and that a firewall lets us through`;
  if (error instanceof FTPError) return `the server at ${host}:${port} refused the session: ${text}`;
  return `cannot connect to ${host}:${port}: ${text}`;
}

function tlsMessage(error: unknown, { host, tls }: FtpEndpoint): string {
  const certificate = (error as TlsHandshakeError).certificate;
  const which = certificate ? ` (subject ${certificate.subject}, issued by ${certificate.issuer}, valid until ${certificate.validTo})` : '';
  switch (errorCode(error)) {
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return `certificate is not trusted: self-signed${which}; add it (PEM) in caCertificate after checking its fingerprint${certificate ? ` ${certificate.fingerprint256}` : ''} with the server's administrator`;
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
      return `certificate is not trusted: issued by a CA we do not know${which}; add that CA's certificate (PEM) in caCertificate`;
    case 'CERT_HAS_EXPIRED':
      return `certificate has expired${which}: the server's administrator must renew it`;
    case 'CERT_NOT_YET_VALID':
      return `certificate is not valid yet${which}: check the clocks of the server and of this machine`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `certificate does not name "${host}"${certificate?.subjectAltName ? ` (it names ${certificate.subjectAltName})` : which}: connect with a host name the certificate lists, or have the certificate reissued`;
    case 'ETIMEDOUT':
      return `the TLS handshake got no answer: the server may not speak TLS there${tls === 'implicit' ? '; try tls "explicit" on port 21' : ''}`;
    case 'ECONNRESET':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return `the TLS handshake failed (${errorText((error as TlsHandshakeError).failure ?? error)}): the server does not speak ${tls} TLS on this port${tls === 'implicit' ? '; try tls "explicit" (usually port 21)' : ''}`;
  }
  return `the TLS handshake failed: ${errorText((error as TlsHandshakeError).failure ?? error)}${which}`;
}

function loginMessage(error: unknown, { user, tls }: FtpEndpoint): string {
  const text = errorText(error);
  if (error instanceof FTPError && error.code === 530) {
    if (tls === 'none' && /encrypt|ssl|tls|secure/i.test(text)) return `the server requires TLS (${text}): set tls to "explicit"`;
    return `login refused for user "${user}" (${text}): check the user name and the password`;
  }
  if (error instanceof FTPError) return `login failed for user "${user}" (${text})`;
  return `the connection broke during login: ${text}`;
}
