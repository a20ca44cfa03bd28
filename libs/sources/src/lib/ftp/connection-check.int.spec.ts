import { startVsftpd, type VsftpdServer } from '@dirsync/testing';
import type { FtpEndpoint } from './endpoint';
import { checkConnection } from './connection-check';

const USER = 'dirsyncftp';
const PASSWORD = 'S3cret-ftp-pass';
const CSV = 'UserIdentifier,UPN,EmailId\nada@example.com,ada@example.com,ada@example.com\n';

// A real server, TLS handshakes and the pipeline: slower than the default 5 s allows.
jest.setTimeout(30_000);

/** Check connection against a real vsftpd (tests fail, never skip, when vsftpd cannot start here). */
describe('checkConnection (vsftpd)', () => {
  let explicit: VsftpdServer;
  let plain: VsftpdServer;
  let implicit: VsftpdServer;

  beforeAll(async () => {
    [explicit, plain, implicit] = await Promise.all([
      startVsftpd({ tls: true, user: USER, password: PASSWORD, files: { 'hr/users.csv': CSV } }),
      startVsftpd({ tls: false, user: USER, password: PASSWORD, files: { 'hr/users.csv': CSV } }),
      startVsftpd({ tls: 'implicit', user: USER, password: PASSWORD, files: { 'hr/users.csv': CSV } }),
    ]);
  });
  afterAll(() => Promise.all([explicit?.stop(), plain?.stop(), implicit?.stop()]));

  const endpoint = (server: VsftpdServer, overrides: Partial<FtpEndpoint> = {}): FtpEndpoint => ({
    host: server.host,
    port: server.port,
    tls: 'explicit',
    user: USER,
    password: PASSWORD,
    remotePath: '/hr/users.csv',
    caCertificate: server.ca,
    ...overrides,
  });

  it('reports every step of an explicit TLS source with its certificate and the file', async () => {
    const result = await checkConnection(endpoint(explicit), 5000);
    expect(result.ok).toBe(true);
    expect(result.reach).toMatchObject({ ok: true, message: expect.stringContaining(`reached 127.0.0.1:${explicit.port}`) });
    expect(result.tls).toMatchObject({ ok: true, certificate: { subject: 'CN=127.0.0.1', selfSigned: true, subjectAltName: 'IP Address:127.0.0.1' } });
    expect(result.tls.message).toMatch(/expires in 1 day\(s\)|valid until/);
    expect(result.tls.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(result.login).toMatchObject({ ok: true, message: `logged in as "${USER}"` });
    expect(result.file).toMatchObject({ ok: true, size: Buffer.byteLength(CSV) });
    expect(Date.parse(result.file.modifiedAt ?? '')).toBeGreaterThan(Date.now() - 120_000);
  });

  it('refuses an untrusted (self-signed) certificate without sending the password', async () => {
    const result = await checkConnection(endpoint(explicit, { caCertificate: null }), 5000);
    expect(result.ok).toBe(false);
    expect(result.reach.ok).toBe(true);
    expect(result.tls.ok).toBe(false);
    expect(result.tls.message).toMatch(/^certificate is not trusted: self-signed \(subject CN=127\.0\.0\.1.*add it \(PEM\) in caCertificate/);
    expect(result.tls.certificate).toMatchObject({ subject: 'CN=127.0.0.1' });
    expect(result.login).toMatchObject({ ok: false, skipped: true, message: expect.stringMatching(/password is not sent/) });
  });

  it('says the login was refused for a wrong password', async () => {
    const result = await checkConnection(endpoint(explicit, { password: 'wrong' }), 5000);
    expect(result.tls.ok).toBe(true);
    expect(result.login).toMatchObject({ ok: false, message: expect.stringMatching(/^login refused for user "dirsyncftp" \(530 .*\): check the user name and the password$/) });
    expect(result.file.skipped).toBe(true);
  });

  it('tells a missing file from a missing directory', async () => {
    const noFile = await checkConnection(endpoint(explicit, { remotePath: '/hr/missing.csv' }), 5000);
    expect(noFile.login.ok).toBe(true);
    expect(noFile.file.ok).toBe(false);
    expect(noFile.file.message).toMatch(/^no readable file at \/hr\/missing\.csv .*the directory \/hr exists and holds: users\.csv/);
    const noDirectory = await checkConnection(endpoint(explicit, { remotePath: '/nowhere/users.csv' }), 5000);
    expect(noDirectory.file.message).toMatch(/the directory \/nowhere does not exist or this user may not read it/);
  });

  it('works over plain FTP, warning that TLS is off', async () => {
    const result = await checkConnection(endpoint(plain, { tls: 'none', caCertificate: null }), 5000);
    expect(result.ok).toBe(true);
    expect(result.tls).toMatchObject({ ok: true, skipped: true, message: expect.stringMatching(/^TLS is off/) });
  });

  it('works over implicit TLS', async () => {
    const result = await checkConnection(endpoint(implicit, { tls: 'implicit' }), 5000);
    expect(result.ok).toBe(true);
    expect(result.tls.certificate?.subject).toBe('CN=127.0.0.1');
  });

  it('says when the server demands TLS that the source does not use', async () => {
    const result = await checkConnection(endpoint(explicit, { tls: 'none' }), 5000);
    expect(result.login).toMatchObject({ ok: false, message: expect.stringMatching(/the server requires TLS .*set tls to "explicit"/) });
  });

  it('says when implicit TLS is chosen for an explicit-TLS port', async () => {
    const result = await checkConnection(endpoint(explicit, { tls: 'implicit' }), 3000);
    expect(result.reach.ok).toBe(true);
    expect(result.tls.ok).toBe(false);
    expect(result.tls.message).toMatch(/TLS handshake/);
  });

  it('says when nothing listens on the port', async () => {
    const stopped = await startVsftpd({ tls: false, user: USER, password: PASSWORD });
    await stopped.stop();
    const result = await checkConnection(endpoint(stopped, { tls: 'none' }), 3000);
    expect(result.reach).toEqual({ ok: false, message: expect.stringMatching(/^127\.0\.0\.1:\d+ refused the connection: no FTP server listens on that port/) });
    expect(result.tls.skipped).toBe(true);
  });
});
