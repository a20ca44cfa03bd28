import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { SecretBox } from './secret-box';
import { InvalidSecretKeyError, loadSecretKeys } from './secret-keys';
import { SecretsModule } from './secrets.module';

describe('loadSecretKeys', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'secrets-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('takes ETL_SECRETS_KEY from the environment and writes no file', () => {
    const raw = randomBytes(32);
    const [key] = loadSecretKeys({ dataDir, env: { ETL_SECRETS_KEY: raw.toString('base64') } });
    expect(key.key.equals(raw)).toBe(true);
    expect(() => statSync(join(dataDir, 'secrets.key'))).toThrow();
  });

  it.each([
    ['not base64', 'not*base64!', /ETL_SECRETS_KEY is not valid base64/],
    ['too short', randomBytes(16).toString('base64'), /ETL_SECRETS_KEY decodes to 16 bytes, AES-256 needs 32/],
    ['empty', '', /ETL_SECRETS_KEY is not valid base64/],
  ])('throws a clear error for a malformed key (%s), never echoing it', (_name, value, message) => {
    const load = () => loadSecretKeys({ dataDir, env: { ETL_SECRETS_KEY: value } });
    expect(load).toThrow(InvalidSecretKeyError);
    expect(load).toThrow(message);
    if (value) expect(load).not.toThrow(value);
  });

  it('generates a key once into <dataDir>/secrets.key with mode 0600, warns, then reuses it', () => {
    const warnings: string[] = [];
    const [first] = loadSecretKeys({ dataDir, env: {}, warn: (m) => warnings.push(m) });
    const file = join(dataDir, 'secrets.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(warnings).toEqual([expect.stringContaining('ETL_SECRETS_KEY is not set')]);
    const [second] = loadSecretKeys({ dataDir, env: {}, warn: (m) => warnings.push(m) });
    expect(second).toEqual(first);
    expect(warnings).toHaveLength(1);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(first.key)).toBe(true);
  });

  it('refuses a corrupted key file clearly', () => {
    writeFileSync(join(dataDir, 'secrets.key'), 'garbage', { mode: 0o600 });
    expect(() => loadSecretKeys({ dataDir, env: {} })).toThrow(/secrets\.key decodes to|secrets\.key is not valid base64/);
  });

  it('requires the key with a shared (KurrentDB) store', () => {
    expect(() => loadSecretKeys({ dataDir, env: { KURRENTDB_CONNECTION_STRING: 'kurrentdb://x' } })).toThrow(/ETL_SECRETS_KEY is required/);
  });

  it('accepts previous keys for rotation', () => {
    const old = randomBytes(32);
    const keys = loadSecretKeys({ dataDir, env: { ETL_SECRETS_KEY: randomBytes(32).toString('base64'), ETL_SECRETS_PREVIOUS_KEYS: old.toString('base64') } });
    expect(keys).toHaveLength(2);
    expect(keys[1].key.equals(old)).toBe(true);
  });
});

describe('SecretsModule', () => {
  it('provides a SecretBox, and a malformed key fails the module at startup', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'secrets-'));
    try {
      const moduleRef = await Test.createTestingModule({ imports: [SecretsModule.forRoot({ dataDir, env: { ETL_SECRETS_KEY: randomBytes(32).toString('base64') } })] }).compile();
      const box = moduleRef.get(SecretBox);
      expect(box.open(box.seal('s', 'a'), 'a')).toBe('s');
      await expect(Test.createTestingModule({ imports: [SecretsModule.forRoot({ dataDir, env: { ETL_SECRETS_KEY: 'short' } })] }).compile()).rejects.toThrow(
        InvalidSecretKeyError,
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
