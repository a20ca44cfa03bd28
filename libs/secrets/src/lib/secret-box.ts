import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** One AES-256 key and the id written into every value it seals (so keys can be rotated). */
export interface SecretKey {
  id: string;
  key: Buffer;
}

/** A stored value could not be opened: wrong record, tampered, unknown key or not a sealed value. */
export class SecretDecryptionError extends Error {
  override readonly name = 'SecretDecryptionError';
}

const VERSION = 'v1';
const IV_BYTES = 12; // the GCM standard nonce size: random per value, so never reused under one key
const TAG_BYTES = 16; // full-length tag: shorter tags weaken GCM's forgery bound
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Seals secrets for storage with AES-256-GCM. The additional authenticated data (e.g.
 * `source:<id>:password`) binds a value to its record: copied into another record, it no longer opens.
 * Stored form: `v1:<keyId>:<iv b64>:<tag b64>:<ciphertext b64>`.
 */
export class SecretBox {
  private readonly byId: Map<string, Buffer>;

  /** `keys[0]` seals; every key opens values sealed with its id (old keys stay usable for rotation). */
  constructor(private readonly keys: readonly SecretKey[]) {
    if (keys.length === 0) throw new Error('SecretBox needs at least one key');
    for (const { id, key } of keys) {
      if (!KEY_ID.test(id)) throw new Error(`invalid secret key id "${id}"`);
      if (key.length !== 32) throw new Error(`secret key ${id} must be 32 bytes, got ${key.length}`);
    }
    this.byId = new Map(keys.map(({ id, key }) => [id, key]));
  }

  /** Id of the key that seals new values. */
  get keyId(): string {
    return this.keys[0].id;
  }

  seal(plaintext: string, aad: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0].key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, this.keyId, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
  }

  /** The plaintext; throws SecretDecryptionError (never with the value in its message) when it does not open. */
  open(stored: string, aad: string): string {
    const parts = typeof stored === 'string' ? stored.split(':') : [];
    if (parts.length !== 5 || parts[0] !== VERSION) throw new SecretDecryptionError('not a sealed secret (expected v1:<keyId>:<iv>:<tag>:<ciphertext>)');
    const [, keyId, ivText, tagText, ciphertextText] = parts;
    const key = this.byId.get(keyId);
    if (!key) {
      throw new SecretDecryptionError(
        `the secret was sealed with key "${keyId}", which is not configured (current key: "${this.keyId}"); restore that key or set the secret again`,
      );
    }
    const iv = Buffer.from(ivText, 'base64');
    const tag = Buffer.from(tagText, 'base64');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new SecretDecryptionError('malformed sealed secret (IV or tag length)');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(ciphertextText, 'base64')), decipher.final()]).toString('utf8');
    } catch {
      // GCM gives one answer for a wrong key, a wrong record and tampering: "does not authenticate".
      throw new SecretDecryptionError(`the secret does not authenticate for "${aad}" (tampered, or copied from another record)`);
    }
  }
}
