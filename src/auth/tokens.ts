import { hash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * API tokens look like `hrld_<id>_<secret>`: the id finds the row without scanning, the secret
 * is checked against its sha256. The prefix makes leaked tokens easy to recognise in logs.
 */
const PREFIX = 'hrld'

export interface MintedToken {
  token: string
  secretHash: string
  prefix: string
}

export function mintToken(id: string): MintedToken {
  const secret = randomBytes(24).toString('base64url')
  return { token: `${PREFIX}_${id}_${secret}`, secretHash: hashSecret(secret), prefix: PREFIX }
}

export function hashSecret(secret: string): string {
  return hash('sha256', secret, 'hex')
}

export function parseToken(token: string): { id: string; secret: string } | null {
  const m = /^hrld_([0-9A-Za-z]{27})_([0-9A-Za-z_-]{16,})$/.exec(token)
  if (!m) return null
  return { id: m[1]!, secret: m[2]! }
}

/**
 * `stored` as in the database (hex) or already decoded. One-shot hashing: a Hash object per
 * request is a native object the garbage collector must finalise (~5 µs of a GET here).
 */
export function secretMatches(secret: string, stored: string | Buffer): boolean {
  const a = hash('sha256', secret, 'buffer')
  const b = typeof stored === 'string' ? Buffer.from(stored, 'hex') : stored
  return a.length === b.length && timingSafeEqual(a, b)
}
