import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface SealedSecret {
  alg: 'aes-256-gcm';
  keyId: string;
  iv: string;
  tag: string;
  data: string;
}

/**
 * AES-256-GCM for secrets at rest (DB columns, Kafka events). Keys come from env as
 * `ENCRYPTION_KEYS=<id>:<base64 32 bytes>[,<id>:<key>…]`; the first key encrypts, every key
 * decrypts (rotation: add the new key first, re-encrypt, then drop the old one).
 */
export class SecretBox {
  private readonly keys = new Map<string, Buffer>();
  private readonly currentId: string;

  constructor(spec: string) {
    const parts = spec.split(',').map((p) => p.trim()).filter(Boolean);
    if (parts.length === 0) throw new Error('ENCRYPTION_KEYS is empty');
    for (const part of parts) {
      const idx = part.indexOf(':');
      const id = part.slice(0, idx);
      const key = Buffer.from(part.slice(idx + 1), 'base64');
      if (idx < 1 || key.length !== 32) throw new Error(`ENCRYPTION_KEYS entry "${id || part.slice(0, 8)}" must be <id>:<base64 of 32 bytes>`);
      this.keys.set(id, key);
    }
    this.currentId = parts[0]!.slice(0, parts[0]!.indexOf(':'));
  }

  /** Id of the key that seals (the first of ENCRYPTION_KEYS). */
  get primaryKeyId(): string {
    return this.currentId;
  }

  static generateKeySpec(id = 'k1'): string {
    return `${id}:${randomBytes(32).toString('base64')}`;
  }

  seal(plaintext: string, aad = ''): SealedSecret {
    const key = this.keys.get(this.currentId)!;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return { alg: 'aes-256-gcm', keyId: this.currentId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  }

  /** Throws if the key is unknown or the ciphertext/aad was tampered with. */
  open(sealed: SealedSecret, aad = ''): string {
    const key = this.keys.get(sealed.keyId);
    if (!key) throw new Error(`unknown encryption key id "${sealed.keyId}"`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  }
}
