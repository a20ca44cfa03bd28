import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretKey } from './secret-box';

/** The configured key is unusable; startup must stop. */
export class InvalidSecretKeyError extends Error {
  override readonly name = 'InvalidSecretKeyError';
}

export interface SecretKeysOptions {
  /** The data dir: where a key is generated when the environment sets none (embedded default). */
  dataDir: string;
  env: NodeJS.ProcessEnv;
  warn?: (message: string) => void;
}

export const SECRETS_KEY_ENV = 'ETL_SECRETS_KEY';
/** Comma-separated older keys (base64), still accepted to open values they sealed: rotation without downtime. */
export const SECRETS_PREVIOUS_KEYS_ENV = 'ETL_SECRETS_PREVIOUS_KEYS';
export const SECRETS_KEY_FILE = 'secrets.key';

/**
 * The keys that seal and open secrets: `ETL_SECRETS_KEY` (base64 of 32 bytes) when set, else one
 * generated once into `<dataDir>/secrets.key` (mode 0600) with a warning, so a first run needs no
 * set-up. A malformed key always throws, naming the variable and what is wrong (never the value).
 * With a KurrentDB store (several machines), a generated per-machine key would not open secrets
 * sealed elsewhere, so the key is required there.
 */
export function loadSecretKeys({ dataDir, env, warn = () => undefined }: SecretKeysOptions): SecretKey[] {
  const configured = env[SECRETS_KEY_ENV];
  const previous = (env[SECRETS_PREVIOUS_KEYS_ENV] ?? '')
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value !== '')
    .map((value, index) => keyFromBase64(value, `${SECRETS_PREVIOUS_KEYS_ENV} (entry ${index + 1})`));
  if (configured !== undefined) return [keyFromBase64(configured, SECRETS_KEY_ENV), ...previous];
  if (env.KURRENTDB_CONNECTION_STRING) {
    throw new InvalidSecretKeyError(
      `${SECRETS_KEY_ENV} is required with KURRENTDB_CONNECTION_STRING: set it to the base64 of 32 random bytes (openssl rand -base64 32), the same on every machine`,
    );
  }
  return [readOrCreateKeyFile(dataDir, warn), ...previous];
}

function readOrCreateKeyFile(dataDir: string, warn: (message: string) => void): SecretKey {
  const file = join(dataDir, SECRETS_KEY_FILE);
  mkdirSync(dataDir, { recursive: true });
  try {
    // 'wx': only the first process ever creates it; a concurrent one falls through to reading it.
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600); // the umask may have narrowed the mode, never widened it; make it exact
    warn(
      `${SECRETS_KEY_ENV} is not set: generated a key in ${file} (owner-only). Back it up with the data dir; ` +
        `in production set ${SECRETS_KEY_ENV} (openssl rand -base64 32).`,
    );
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) warn(`${file} is readable by other users (mode ${mode.toString(8)}): chmod 600 it`);
  }
  return keyFromBase64(readFileSync(file, 'utf8').trim(), file);
}

function keyFromBase64(value: string, origin: string): SecretKey {
  const text = value.trim();
  // Buffer.from(…, 'base64') ignores junk silently, so check the alphabet and round trip first.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || Buffer.from(text, 'base64').toString('base64') !== text) {
    throw new InvalidSecretKeyError(`${origin} is not valid base64: expected the base64 of 32 random bytes (openssl rand -base64 32)`);
  }
  const key = Buffer.from(text, 'base64');
  if (key.length !== 32) {
    throw new InvalidSecretKeyError(`${origin} decodes to ${key.length} bytes, AES-256 needs 32 (openssl rand -base64 32)`);
  }
  return { id: keyId(key), key };
}

/** A short, stable id of the key (a truncated hash: it identifies the key without revealing it). */
export function keyId(key: Buffer): string {
  return createHash('sha256').update('dirsync-secret-key-id').update(key).digest('hex').slice(0, 8);
}
