import { randomBytes } from 'node:crypto';
import { SecretBox, SecretDecryptionError } from './secret-box';
import { keyId } from './secret-keys';

const key = (bytes = randomBytes(32)) => ({ id: keyId(bytes), key: bytes });

describe('SecretBox', () => {
  const box = new SecretBox([key()]);

  it('round-trips a secret and stores it as v1:<keyId>:<iv>:<tag>:<ciphertext>', () => {
    const sealed = box.seal('pä$$ word', 'source:1:password');
    const [version, id, iv, tag, ct] = sealed.split(':');
    expect(version).toBe('v1');
    expect(id).toBe(box.keyId);
    expect(Buffer.from(iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64')).toHaveLength(16);
    expect(Buffer.from(ct, 'base64').toString('utf8')).not.toContain('word');
    expect(box.open(sealed, 'source:1:password')).toBe('pä$$ word');
  });

  it('uses a fresh IV every time', () => {
    expect(box.seal('same', 'a')).not.toBe(box.seal('same', 'a'));
  });

  it('refuses a value moved to another record (wrong AAD)', () => {
    const sealed = box.seal('secret', 'source:1:password');
    expect(() => box.open(sealed, 'source:2:password')).toThrow(SecretDecryptionError);
  });

  it('refuses a tampered ciphertext, tag or IV, without echoing the secret', () => {
    const sealed = box.seal('secret', 'r');
    const parts = sealed.split(':');
    for (const index of [2, 3, 4]) {
      const bytes = Buffer.from(parts[index], 'base64');
      bytes[0] ^= 1;
      const tampered = [...parts.slice(0, index), bytes.toString('base64'), ...parts.slice(index + 1)].join(':');
      expect(() => box.open(tampered, 'r')).toThrow(/does not authenticate/);
    }
    expect(() => box.open('plain text', 'r')).toThrow(/not a sealed secret/);
  });

  it('opens values of an older key after rotation, and names an unknown key', () => {
    const old = key();
    const sealedWithOld = new SecretBox([old]).seal('secret', 'r');
    const rotated = new SecretBox([key(), old]);
    expect(rotated.open(sealedWithOld, 'r')).toBe('secret');
    expect(rotated.seal('x', 'r').split(':')[1]).not.toBe(old.id);
    expect(() => new SecretBox([key()]).open(sealedWithOld, 'r')).toThrow(new RegExp(`key "${old.id}", which is not configured`));
  });
});
