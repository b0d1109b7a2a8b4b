import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/**
 * AES-256-GCM authenticated encryption for secrets at rest (signing keys, TOTP secrets, sealed child refresh
 * tokens). The key is derived with HKDF-SHA256 from input keying material and a purpose label, so one secret
 * serves several purposes without key reuse. Output: `v1.<iv>.<ciphertext+tag>` in base64url.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(inputKeyMaterial: string | Buffer, purpose: string) {
    this.key = Buffer.from(hkdfSync('sha256', inputKeyMaterial, Buffer.alloc(0), `mobileplane/${purpose}`, 32));
  }

  seal(plaintext: string, associatedData = ''): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(associatedData));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return `v1.${iv.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** Returns undefined when the box was not sealed with this key and associated data (or was tampered with). */
  open(sealed: string, associatedData = ''): string | undefined {
    const [version, ivText, bodyText] = sealed.split('.');
    if (version !== 'v1' || ivText === undefined || bodyText === undefined) return undefined;
    const body = Buffer.from(bodyText, 'base64url');
    if (body.length < 16) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(ivText, 'base64url'));
      decipher.setAAD(Buffer.from(associatedData));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
