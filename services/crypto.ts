import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from 'node:crypto';

/** Field encryption (AES-256-GCM) and keyed look-up hashes, both derived from DATA_KEY. */
export class DataCrypto {
  private readonly encKey: Buffer;
  private readonly macKey: Buffer;

  constructor(dataKey: string) {
    this.encKey = createHash('sha256').update(`enc:${dataKey}`).digest();
    this.macKey = createHash('sha256').update(`mac:${dataKey}`).digest();
  }

  /** `v1:<iv>:<tag>:<ciphertext>` in base64url. */
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(':');
  }

  decrypt(stored: string): string {
    const [v, iv, tag, body] = stored.split(':');
    if (v !== 'v1') throw new Error('unknown ciphertext version');
    const d = createDecipheriv('aes-256-gcm', this.encKey, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
  }

  /** A keyed hash: equal inputs give equal hashes, and the hash reveals nothing without the key. */
  hash(value: string): string {
    return createHmac('sha256', this.macKey).update(value).digest('hex');
  }
}
