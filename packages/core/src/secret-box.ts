import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from './errors';

const FORMAT_VERSION = 'v1';
const IV_BYTES = 12;
const KEY_BYTES = 32;

/** One AES-256 key with the id stored next to every ciphertext it made. */
export interface SecretKey {
  id: string;
  key: Buffer;
}

/** Raised when a ciphertext cannot be opened: unknown key id, tampering, or a malformed value. */
export class DecryptError extends AppError {
  constructor(message: string) {
    super('decrypt_failed', message);
  }
}

/**
 * AES-256-GCM encryption for credentials and webhook secrets at rest.
 * Every ciphertext carries the id of the key that sealed it, so keys can rotate:
 * new values are sealed with the active key while older key ids still open.
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();

  constructor(
    keys: SecretKey[],
    readonly activeKeyId: string,
  ) {
    for (const k of keys) {
      if (k.key.length !== KEY_BYTES) throw new Error(`secret key ${k.id} must be ${KEY_BYTES} bytes`);
      if (!/^[A-Za-z0-9_-]{1,32}$/.test(k.id)) throw new Error(`secret key id ${k.id} must be 1-32 of [A-Za-z0-9_-]`);
      this.keys.set(k.id, k.key);
    }
    if (!this.keys.has(activeKeyId)) throw new Error(`active secret key ${activeKeyId} is not among the keys`);
  }

  /** Seals a UTF-8 string under the active key as `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts). */
  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.activeKeyId)!, iv);
    cipher.setAAD(Buffer.from(this.activeKeyId));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [FORMAT_VERSION, this.activeKeyId, iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join(':');
  }

  /** Opens a value made by `seal`, under whichever known key sealed it. */
  open(sealed: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 5 || parts[0] !== FORMAT_VERSION) throw new DecryptError('malformed ciphertext');
    const [, keyId, iv, tag, body] = parts;
    const key = this.keys.get(keyId);
    if (!key) throw new DecryptError(`no key with id ${keyId} is configured`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(keyId));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new DecryptError(`ciphertext under key ${keyId} failed authentication`);
    }
  }

  /** The key id a sealed value was made with, without opening it. */
  static keyIdOf(sealed: string): string | undefined {
    return sealed.split(':')[1];
  }

  /** A fresh random key, base64-encoded, for `TRUSTSYNC_SECRET_KEYS`. */
  static generateKey(): string {
    return randomBytes(KEY_BYTES).toString('base64');
  }
}

/** A short hint of a secret that identifies it to its owner without revealing it (`…k3Xz`). */
export function maskSecret(secret: string): string {
  return secret.length >= 12 ? `…${secret.slice(-4)}` : '…';
}
