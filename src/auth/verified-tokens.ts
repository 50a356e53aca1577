/**
 * API token rows remembered for a few seconds, so a CI script or dashboard polling with one token
 * costs no database round trip per request. What is kept is the stored row (the secret's hash,
 * never the secret): every hit still checks the presented secret and the expiry.
 *
 * Revocation empties entries at once in the process that revoked (and, through LISTEN/NOTIFY, in
 * every other; see Authenticator). The TTL bounds a missed notification the same way the
 * authorization policy's fingerprint poll does (src/authz/authorizer.ts): 10 s.
 */
export const VERIFIED_TOKEN_TTL_MS = 10_000
const MAX_ENTRIES = 10_000

export interface TokenRow {
  id: string
  org: string
  name: string
  secretHash: string
  roles: string[]
  expiresAt: Date | null
}

/** A remembered row and its secret hash decoded once (every hit compares against it). */
export interface VerifiedToken {
  row: TokenRow
  hash: Buffer
}

interface Entry extends VerifiedToken {
  until: number
}

export class VerifiedTokens {
  private entries = new Map<string, Entry>()
  /**
   * Bumped by every invalidation. A lookup that started before one must not store what it read:
   * the row may predate the revocation that the invalidation announced.
   */
  private generation = 0

  constructor(private ttlMs = VERIFIED_TOKEN_TTL_MS) {}

  get(id: string, now: number): VerifiedToken | undefined {
    const entry = this.entries.get(id)
    if (!entry) return undefined
    if (entry.until > now) return entry
    this.entries.delete(id)
    return undefined
  }

  /** Call before reading a row from the database; pass the value to `put`. */
  begin(): number {
    return this.generation
  }

  /** The row as a VerifiedToken, remembered unless an invalidation came since `started`. */
  put(started: number, row: TokenRow, now: number): VerifiedToken {
    const entry = { row, hash: Buffer.from(row.secretHash, 'hex'), until: 0 }
    if (started !== this.generation) return entry
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear()
    const expires = row.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY
    entry.until = Math.min(now + this.ttlMs, expires)
    this.entries.set(row.id, entry)
    return entry
  }

  /** Drops one token, or every token when `id` is undefined. */
  forget(id?: string): void {
    this.generation++
    if (id === undefined) this.entries.clear()
    else this.entries.delete(id)
  }
}
