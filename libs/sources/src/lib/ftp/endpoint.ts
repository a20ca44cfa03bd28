import type { TlsMode } from '../model/source';

/** What it takes to reach one file on an FTP server; the password in clear text, in memory only. */
export interface FtpEndpoint {
  host: string;
  port: number;
  tls: TlsMode;
  user: string;
  password: string;
  remotePath: string;
  caCertificate: string | null;
}

/** Shown instead of the endpoint wherever it could be logged: never the password. */
export const describeEndpoint = (endpoint: FtpEndpoint): string =>
  `${endpoint.tls === 'none' ? 'ftp' : 'ftps'}://${endpoint.user}@${endpoint.host}:${endpoint.port}${endpoint.remotePath}`;
