import type { SourceSettings } from '../model/source';

/** A saved source's settings for unit specs: no server behind it, no password. */
export const sourceSettings = (changes: Partial<SourceSettings> = {}): SourceSettings => ({
  name: 'HR',
  host: 'ftp.example.com',
  port: 21,
  tls: 'explicit',
  user: 'hr',
  sealedPassword: null,
  remotePath: '/users.csv',
  caCertificate: null,
  importOptions: {},
  schedule: null,
  enabled: true,
  ...changes,
});
