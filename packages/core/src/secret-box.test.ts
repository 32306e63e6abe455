import { randomBytes } from 'node:crypto';
import { DecryptError, SecretBox, type SecretKey } from './secret-box';

const OLD: SecretKey = { id: 'k2025', key: randomBytes(32) };
const NEW: SecretKey = { id: 'k2026', key: randomBytes(32) };
const CREDENTIAL = 'kandji-api-token-7f3c9a1e';

/** Replaces one part of a `v1:<keyId>:<iv>:<tag>:<ciphertext>` value. */
function withPart(sealed: string, index: number, value: string): string {
  const parts = sealed.split(':');
  parts[index] = value;
  return parts.join(':');
}

/** Flips the lowest bit of the first byte of a base64url part. */
function flipFirstByte(part: string): string {
  const bytes = Buffer.from(part, 'base64url');
  bytes[0] ^= 1;
  return bytes.toString('base64url');
}

function openFailure(box: SecretBox, sealed: string): DecryptError {
  try {
    box.open(sealed);
  } catch (err) {
    if (err instanceof DecryptError) return err;
    throw err;
  }
  throw new Error('expected open() to fail');
}

describe('SecretBox key rotation', () => {
  it('opens a value sealed under the old key after a new key became active', () => {
    const sealedBefore = new SecretBox([OLD], OLD.id).seal(CREDENTIAL);
    const rotated = new SecretBox([OLD, NEW], NEW.id);
    expect({ keyId: SecretBox.keyIdOf(sealedBefore), opened: rotated.open(sealedBefore) }).toEqual({ keyId: 'k2025', opened: CREDENTIAL });
  });

  it('seals new values under the newly active key, which opens them again', () => {
    const rotated = new SecretBox([OLD, NEW], NEW.id);
    const sealed = rotated.seal(CREDENTIAL);
    expect({ keyId: SecretBox.keyIdOf(sealed), opened: rotated.open(sealed) }).toEqual({ keyId: 'k2026', opened: CREDENTIAL });
  });

  it('never puts the plaintext in the sealed value', () => {
    expect(new SecretBox([NEW], NEW.id).seal(CREDENTIAL)).not.toContain(CREDENTIAL);
  });
});

describe('SecretBox refusals', () => {
  it('refuses a value sealed under a key id it does not have, naming the key id', () => {
    const sealedUnderOld = new SecretBox([OLD], OLD.id).seal(CREDENTIAL);
    const err = openFailure(new SecretBox([NEW], NEW.id), sealedUnderOld);
    expect({ code: err.code, message: err.message }).toEqual({ code: 'decrypt_failed', message: 'no key with id k2025 is configured' });
  });

  it('refuses a ciphertext with one bit changed', () => {
    const box = new SecretBox([NEW], NEW.id);
    const sealed = box.seal(CREDENTIAL);
    const tampered = withPart(sealed, 4, flipFirstByte(sealed.split(':')[4]));
    expect(openFailure(box, tampered).message).toBe('ciphertext under key k2026 failed authentication');
  });

  it('refuses a value whose authentication tag was changed', () => {
    const box = new SecretBox([NEW], NEW.id);
    const sealed = box.seal(CREDENTIAL);
    expect(openFailure(box, withPart(sealed, 3, flipFirstByte(sealed.split(':')[3]))).message).toBe('ciphertext under key k2026 failed authentication');
  });

  it('refuses a value relabelled with another known key id, even when that key is the same bytes', () => {
    // The key id is authenticated data: moving a value to another id must not open it.
    const twin: SecretKey = { id: 'twin', key: NEW.key };
    const box = new SecretBox([NEW, twin], NEW.id);
    const relabelled = withPart(box.seal(CREDENTIAL), 1, 'twin');
    expect(openFailure(box, relabelled).message).toBe('ciphertext under key twin failed authentication');
  });

  it('refuses a value that is not in the v1 format', () => {
    expect(openFailure(new SecretBox([NEW], NEW.id), `v0:${NEW.id}:a:b:c`).message).toBe('malformed ciphertext');
  });
});
