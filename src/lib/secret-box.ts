import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync } from 'node:crypto';

/**
 * AES-256-GCM sealing for credentials kept at rest (manufacturer client secrets …). The sealed
 * form is `v1.<iv>.<tag>.<ciphertext>` in base64url; a wrong key or a tampered value fails to open.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  /** 32 raw bytes as 64 hex characters or base64, or any passphrase of 16+ characters (stretched with scrypt). */
  static fromKeyText(text: string): SecretBox {
    const t = text.trim();
    if (/^[0-9a-f]{64}$/i.test(t)) return new SecretBox(Buffer.from(t, 'hex'));
    const b64 = /^[A-Za-z0-9+/_-]{43}={0,1}$/.test(t) ? Buffer.from(t, 'base64') : null;
    if (b64 && b64.length === 32) return new SecretBox(b64);
    if (t.length < 16) throw new Error('TILLPOINT_SECRET_KEY must be 32 bytes (64 hex or base64) or a passphrase of at least 16 characters');
    return new SecretBox(scryptSync(t, 'tillpoint-secret-box-v1', 32));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
  }

  open(sealed: string): string {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('sealed value has an unknown format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** A short, non-reversible fingerprint of the key, safe to print (tells keys apart). */
  fingerprint(): string {
    return createHash('sha256').update(this.key).digest('hex').slice(0, 8);
  }
}

/** `••••1234`: the last four characters at most, and none of a value shorter than 8. */
export function maskSecret(value: string): string {
  return value.length >= 8 ? `••••${value.slice(-4)}` : '••••';
}
