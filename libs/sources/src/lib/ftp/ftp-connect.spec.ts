import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, rootCertificates, type Server } from 'node:tls';
import { promisify } from 'node:util';
import { describeEndpoint } from './endpoint';
import { tlsOptionsFor } from './ftp-connect';

const run = promisify(execFile);

describe('tlsOptionsFor', () => {
  it('never turns verification off, and adds a configured CA to the system ones', () => {
    const options = tlsOptionsFor({ host: 'ftp.example.com', caCertificate: 'PEM' });
    expect(options).toHaveProperty('rejectUnauthorized', true);
    expect(options).toMatchObject({ host: 'ftp.example.com', servername: 'ftp.example.com', minVersion: 'TLSv1.2' });
    expect(options.ca).toEqual([...rootCertificates, 'PEM']);
    expect(tlsOptionsFor({ host: 'ftp.example.com', caCertificate: null })).not.toHaveProperty('ca');
  });

  it('sends no SNI for an IP address (RFC 6066), but keeps the host for verification and session reuse', () => {
    const options = tlsOptionsFor({ host: '127.0.0.1', caCertificate: null });
    expect(options).not.toHaveProperty('servername');
    expect(options.host).toBe('127.0.0.1');
  });
});

describe('tlsOptionsFor on a real handshake', () => {
  let dir: string;
  let server: Server;
  let port: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tls-'));
    const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
    server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  // Node reads NODE_TLS_REJECT_UNAUTHORIZED from the real environment, which Jest's sandbox does not
  // expose: the handshake runs in a child process that has it, with the options tlsOptionsFor gives.
  const HANDSHAKE = `
    const socket = require('node:tls').connect({ ...JSON.parse(process.argv[1]), port: Number(process.argv[2]) }, () => { console.log('connected'); socket.destroy(); });
    socket.on('error', (error) => console.log(error.code));`;

  it('refuses an untrusted certificate even with NODE_TLS_REJECT_UNAUTHORIZED=0 in the environment', async () => {
    const options = JSON.stringify(tlsOptionsFor({ host: '127.0.0.1', caCertificate: null }));
    const { stdout } = await run(process.execPath, ['-e', HANDSHAKE, options, String(port)], { env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0' } });
    expect(stdout.trim()).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});

describe('describeEndpoint', () => {
  it('never includes the password', () => {
    const text = describeEndpoint({ host: 'h', port: 21, tls: 'explicit', user: 'u', password: 'pw-secret', remotePath: '/f.csv', caCertificate: null });
    expect(text).toBe('ftps://u@h:21/f.csv');
  });
});
