import { hash, randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Principal } from '../context.ts'
import type { Database } from '../db/client.ts'
import { apiTokens } from '../db/schema/index.ts'
import { UnauthorizedError } from '../errors.ts'
import { verifyNothing, verifyPassword } from './passwords.ts'
import type { Attempt, SignInThrottle } from './sign-in-throttle.ts'
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
  /** Counts failed sign-ins and locks guessers out; without it failures are not limited. */
  throttle?: SignInThrottle
}

/** Where a request without a known client address is counted. */
export const UNKNOWN_ADDRESS = 'unknown'

export class Authenticator {
  private cache = new Map<string, { userId: string; expires: number }>()
  private tokens = new VerifiedTokens()
  private touched = new Map<string, number>()
  private readonly id = randomUUID()
  private unlisten: (() => Promise<void>) | undefined
  private readonly now: () => number
  /** The sign-in throttle, for routes that check credentials themselves (a session sign-in). */
  readonly throttle: SignInThrottle | undefined

  constructor(
    private database: Database,
    private rootEmail: string,
    opts: AuthenticatorOptions = {},
  ) {
    this.now = opts.now ?? Date.now
    this.throttle = opts.throttle
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
  authenticate(header: string | undefined, address = UNKNOWN_ADDRESS): Promise<Principal> {
    if (!header) return Promise.reject(new UnauthorizedError())
    const space = header.indexOf(' ')
    const scheme = header.slice(0, space).toLowerCase()
    const value = header.slice(space + 1).trim()
    if (scheme === 'basic') return this.basic(value, address)
    if (scheme === 'bearer') return this.bearer(value, address)
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

  /**
   * A credential check under the throttle: refused at once while the account or address is locked
   * out; a failure is counted (and may start a lockout, a 429); a success clears the account.
   * Remembered credentials skip this: they were proven moments ago and cost no KDF.
   */
  private async throttled(
    account: string | undefined,
    address: string,
    check: () => Promise<boolean>,
  ): Promise<void> {
    const attempt: Attempt | undefined = await this.throttle?.checkAllowed(account, address)
    if (!(await check())) {
      if (attempt) await this.throttle?.recordFailure(attempt)
      throw new UnauthorizedError()
    }
    if (attempt) await this.throttle?.recordSuccess(attempt)
  }

  private async basic(value: string, address: string): Promise<Principal> {
    const decoded = Buffer.from(value, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 1) throw new UnauthorizedError()
    const email = decoded.slice(0, colon).trim().toLowerCase()
    const password = decoded.slice(colon + 1)
    const key = hash('sha256', `${email}\0${password}`, 'base64')
    const hit = this.cache.get(key)
    const now = this.now()
    const [row] = await userByEmail(this.database).execute({ email })
    // A disabled account is refused like an unknown one: same time, same answer.
    const user = row && !row.disabled ? row : undefined
    if (!(user && hit && hit.expires > now && hit.userId === user.id)) {
      await this.throttled(email, address, () =>
        user ? verifyPassword(password, user.passwordHash) : verifyNothing(password),
      )
      if (!user) throw new UnauthorizedError()
      if (this.cache.size >= CACHE_MAX) this.cache.clear()
      this.cache.set(key, { userId: user.id, expires: now + CACHE_TTL_MS })
    }
    return { kind: 'user', id: user.id, email: user.email, root: user.email === this.rootEmail }
  }

  private async bearer(value: string, address: string): Promise<Principal> {
    const parsed = parseToken(value)
    if (!parsed) {
      await this.throttled(undefined, address, async () => false)
      throw new UnauthorizedError()
    }
    let token = this.tokens.get(parsed.id, this.now())
    if (!token || !secretMatches(parsed.secret, token.hash)) {
      await this.throttled(`token:${parsed.id}`, address, async () => {
        token ??= await this.tokenRow(parsed.id, parsed.secret)
        return !!token && secretMatches(parsed.secret, token.hash)
      })
    }
    if (!token) throw new UnauthorizedError()
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
