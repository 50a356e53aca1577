import { hash, randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Principal } from '../context.ts'
import type { Database } from '../db/client.ts'
import { apiTokens } from '../db/schema/index.ts'
import { UnauthorizedError } from '../errors.ts'
import { verifyPassword } from './passwords.ts'
import { tokenById, userByEmail } from './statements.ts'
import { parseToken, secretMatches } from './tokens.ts'
import { type VerifiedToken, VerifiedTokens } from './verified-tokens.ts'

/** Where a process announces that stored credentials changed (a token revoked, a password). */
export const AUTH_CHANNEL = 'herald_auth'

/**
 * Verified Basic credentials are remembered briefly, so a client sending Basic auth on every
 * request pays the memory-hard KDF once, not per request. Keyed by a hash, never the password.
 * The user row itself is read on every request, so a disabled or deleted user is refused at once.
 */
const CACHE_TTL_MS = 60_000
const CACHE_MAX = 10_000
// How often a token's last_used_at is written: once a minute is enough to be useful.
const TOUCH_EVERY_MS = 60_000

export interface AuthenticatorOptions {
  now?: () => number
}

export class Authenticator {
  private cache = new Map<string, { userId: string; expires: number }>()
  private tokens = new VerifiedTokens()
  private touched = new Map<string, number>()
  private readonly id = randomUUID()
  private unlisten: (() => Promise<void>) | undefined
  private readonly now: () => number

  constructor(
    private database: Database,
    private rootEmail: string,
    opts: AuthenticatorOptions = {},
  ) {
    this.now = opts.now ?? Date.now
  }

  /**
   * An authenticator that also hears other processes' revocations (LISTEN/NOTIFY), so what it
   * caches stops working everywhere within the time a policy change takes to propagate.
   */
  static async open(
    database: Database,
    rootEmail: string,
    opts: AuthenticatorOptions = {},
  ): Promise<Authenticator> {
    const auth = new Authenticator(database, rootEmail, opts)
    auth.unlisten = await database.listen(AUTH_CHANNEL, (payload) => {
      const colon = payload.indexOf(':')
      if (payload.slice(0, colon) !== auth.id) auth.forgetLocally(payload.slice(colon + 1))
    })
    return auth
  }

  async close(): Promise<void> {
    await this.unlisten?.().catch(() => {})
    this.unlisten = undefined
  }

  /** Not async itself: a remembered token answers without extra promise hops. */
  authenticate(header: string | undefined): Promise<Principal> {
    if (!header) return Promise.reject(new UnauthorizedError())
    const space = header.indexOf(' ')
    const scheme = header.slice(0, space).toLowerCase()
    const value = header.slice(space + 1).trim()
    if (scheme === 'basic') return this.basic(value)
    if (scheme === 'bearer') return this.bearer(value)
    return Promise.reject(new UnauthorizedError())
  }

  /** Whether the address is the root user's, who is admin of every org. */
  isRoot(email: string): boolean {
    return email.trim().toLowerCase() === this.rootEmail
  }

  /**
   * Called after a change to stored credentials commits: one token revoked (`tokenId`), or
   * anything else (a password changed, tokens' roles rewritten) when it is undefined. This process
   * forgets at once, before the change is acknowledged; then every other process is told.
   * Bound once (a field), so each request's context can carry it without a closure of its own.
   */
  readonly credentialsChanged = async (tokenId?: string): Promise<void> => {
    this.forgetLocally(tokenId ?? '')
    await this.database.notify(AUTH_CHANNEL, `${this.id}:${tokenId ?? ''}`)
  }

  /** `''` forgets everything: every token and every remembered sign-in. */
  private forgetLocally(tokenId: string): void {
    if (tokenId) {
      this.tokens.forget(tokenId)
      return
    }
    this.tokens.forget()
    this.cache.clear()
  }

  private async basic(value: string): Promise<Principal> {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 1) throw new UnauthorizedError()
    const email = decoded.slice(0, colon).trim().toLowerCase()
    const password = decoded.slice(colon + 1)
    const key = hash('sha256', `${email}\0${password}`, 'base64')
    const hit = this.cache.get(key)
    const now = this.now()
    const [user] = await userByEmail(this.database).execute({ email })
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
    const token =
      this.tokens.get(parsed.id, this.now()) ?? (await this.tokenRow(parsed.id, parsed.secret))
    if (!token || !secretMatches(parsed.secret, token.hash)) throw new UnauthorizedError()
    const now = this.now()
    if (token.row.expiresAt && token.row.expiresAt.getTime() <= now) {
      throw new UnauthorizedError('Token expired')
    }
    if ((this.touched.get(token.row.id) ?? 0) + TOUCH_EVERY_MS < now) {
      this.touched.set(token.row.id, now)
      await this.database.db
        .update(apiTokens)
        .set({ lastUsedAt: new Date(now) })
        .where(eq(apiTokens.id, token.row.id))
    }
    return {
      kind: 'token',
      id: token.row.id,
      email: `token:${token.row.name}`,
      root: false,
      tokenOrg: token.row.org,
      tokenRoles: token.row.roles,
    }
  }

  /** The stored row from the database, remembered when the presented secret matches it. */
  private async tokenRow(id: string, secret: string): Promise<VerifiedToken | undefined> {
    const started = this.tokens.begin()
    const [row] = await tokenById(this.database).execute({ id })
    if (!row || !secretMatches(secret, row.secretHash)) return undefined
    return this.tokens.put(started, row, this.now())
  }
}
