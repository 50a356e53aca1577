import { createHash } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Principal } from '../context.ts'
import type { Database } from '../db/client.ts'
import { apiTokens, users } from '../db/schema/index.ts'
import { UnauthorizedError } from '../errors.ts'
import { verifyPassword } from './passwords.ts'
import { parseToken, secretMatches } from './tokens.ts'

/**
 * Verified Basic credentials are remembered briefly, so a client sending Basic auth on every
 * request pays the memory-hard KDF once, not per request. Keyed by a hash, never the password.
 */
const CACHE_TTL_MS = 60_000
const CACHE_MAX = 10_000
// How often a token's last_used_at is written: once a minute is enough to be useful.
const TOUCH_EVERY_MS = 60_000

export class Authenticator {
  private cache = new Map<string, { userId: string; expires: number }>()
  private touched = new Map<string, number>()

  constructor(
    private database: Database,
    private rootEmail: string,
    private now: () => number = Date.now,
  ) {}

  async authenticate(header: string | undefined): Promise<Principal> {
    if (!header) throw new UnauthorizedError()
    const space = header.indexOf(' ')
    const scheme = header.slice(0, space).toLowerCase()
    const value = header.slice(space + 1).trim()
    if (scheme === 'basic') return this.basic(value)
    if (scheme === 'bearer') return this.bearer(value)
    throw new UnauthorizedError()
  }

  /** Whether the address is the root user's, who is admin of every org. */
  isRoot(email: string): boolean {
    return email.trim().toLowerCase() === this.rootEmail
  }

  /** Forget cached sign-ins (after a password change or a user is disabled or deleted). */
  forget(): void {
    this.cache.clear()
  }

  private async basic(value: string): Promise<Principal> {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 1) throw new UnauthorizedError()
    const email = decoded.slice(0, colon).trim().toLowerCase()
    const password = decoded.slice(colon + 1)
    const key = createHash('sha256').update(`${email}\0${password}`).digest('base64')
    const hit = this.cache.get(key)
    const now = this.now()
    const [user] = await this.database.db.select().from(users).where(eq(users.email, email))
    if (!user || user.disabled) throw new UnauthorizedError()
    if (!(hit && hit.expires > now && hit.userId === user.id)) {
      if (!(await verifyPassword(password, user.passwordHash))) throw new UnauthorizedError()
      if (this.cache.size >= CACHE_MAX) this.cache.clear()
      this.cache.set(key, { userId: user.id, expires: now + CACHE_TTL_MS })
    }
    return { kind: 'user', id: user.id, email: user.email, root: user.email === this.rootEmail }
  }

  private async bearer(value: string): Promise<Principal> {
    const parsed = parseToken(value)
    if (!parsed) throw new UnauthorizedError()
    const [token] = await this.database.db
      .select()
      .from(apiTokens)
      .where(eq(apiTokens.id, parsed.id))
    if (!token || !secretMatches(parsed.secret, token.secretHash)) throw new UnauthorizedError()
    const now = this.now()
    if (token.expiresAt && token.expiresAt.getTime() <= now) {
      throw new UnauthorizedError('Token expired')
    }
    if ((this.touched.get(token.id) ?? 0) + TOUCH_EVERY_MS < now) {
      this.touched.set(token.id, now)
      await this.database.db
        .update(apiTokens)
        .set({ lastUsedAt: new Date(now) })
        .where(eq(apiTokens.id, token.id))
    }
    return {
      kind: 'token',
      id: token.id,
      email: `token:${token.name}`,
      root: false,
      tokenOrg: token.org,
      tokenRoles: token.roles,
    }
  }
}
