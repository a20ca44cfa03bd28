import { rootCertificates } from 'node:tls';
import { describeEndpoint } from './endpoint';
import { tlsOptionsFor } from './ftp-connect';

describe('tlsOptionsFor', () => {
  it('never turns verification off, and adds a configured CA to the system ones', () => {
    const options = tlsOptionsFor({ host: 'ftp.example.com', caCertificate: 'PEM' });
    expect(options).not.toHaveProperty('rejectUnauthorized');
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

describe('describeEndpoint', () => {
  it('never includes the password', () => {
    const text = describeEndpoint({ host: 'h', port: 21, tls: 'explicit', user: 'u', password: 'pw-secret', remotePath: '/f.csv', caCertificate: null });
    expect(text).toBe('ftps://u@h:21/f.csv');
  });
});
