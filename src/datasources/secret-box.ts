import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto'

const VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16

/** A sealed value could not be opened: another server secret, or a tampered row. */
export class SecretUnreadableError extends Error {}

/**
 * Seals datasource credentials with AES-256-GCM. The key is derived from the server secret with
 * HKDF under its own label, so it is never the key that signs download links. The datasource id
 * is bound in as associated data: a sealed URL copied onto another row does not open.
 */
export class SecretBox {
  private readonly key: Buffer

  constructor(serverSecret: string) {
    if (!serverSecret) throw new Error('SecretBox needs the server secret')
    this.key = Buffer.from(hkdfSync('sha256', serverSecret, 'herald', 'datasource-secret-v1', 32))
  }

  seal(plain: string, boundTo: string): string {
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', this.key, iv)
    cipher.setAAD(Buffer.from(boundTo, 'utf8'))
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
    const sealed = Buffer.concat([iv, cipher.getAuthTag(), body])
    return `${VERSION}.${sealed.toString('base64url')}`
  }

  open(sealed: string, boundTo: string): string {
    const [version, data] = sealed.split('.')
    const raw = Buffer.from(data ?? '', 'base64url')
    if (version !== VERSION || raw.length < IV_BYTES + TAG_BYTES) {
      throw new SecretUnreadableError('Unrecognised sealed value')
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES))
      decipher.setAAD(Buffer.from(boundTo, 'utf8'))
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
      const plain = Buffer.concat([
        decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
        decipher.final(),
      ])
      return plain.toString('utf8')
    } catch {
      throw new SecretUnreadableError(
        'The stored connection URL cannot be decrypted (was HERALD_SECRET changed?); save it again',
      )
    }
  }
}
