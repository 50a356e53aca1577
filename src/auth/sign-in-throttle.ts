import { and, eq, gt, inArray, lt, sql } from 'drizzle-orm'
import type { Clock } from '../clock.ts'
import type { SignInThrottleSettings } from '../config.ts'
import type { Database } from '../db/client.ts'
import { auditLog, signInFailures } from '../db/schema/index.ts'
import { RateLimitedError } from '../errors.ts'

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottleSettings = {
  maxFailures: 5,
  maxAddressFailures: 20,
  lockoutSeconds: 60,
  maxLockoutSeconds: 900,
}

/** What `checkAllowed` saw, to hand back to `recordSuccess` / `recordFailure`. */
export interface Attempt {
  accountKey: string | undefined
  addressKey: string
  /** Whether the account has failures on record (only then does a success write). */
  accountHasFailures: boolean
}

/** Lockout audit entries concern no one org; they are filed under this org id. */
export const SYSTEM_AUDIT_ORG = '_system'

/**
 * Counts failed sign-ins per account and per client address in the database, so every process
 * sees the same counts, and refuses further tries for a lockout that doubles with each one. An
 * account or address quiet for the longest lockout after its last failure or lockout starts afresh.
 */
export class SignInThrottle {
  constructor(
    private database: Database,
    private settings: SignInThrottleSettings,
    private clock: Clock,
  ) {}

  /** Throws RateLimitedError while the account or the address is locked out. */
  async checkAllowed(account: string | undefined, address: string): Promise<Attempt> {
    const attempt: Attempt = {
      accountKey: account === undefined ? undefined : `account:${account}`,
      addressKey: `address:${address}`,
      accountHasFailures: false,
    }
    const keys = [attempt.addressKey, ...(attempt.accountKey ? [attempt.accountKey] : [])]
    const rows = await this.database.db
      .select()
      .from(signInFailures)
      .where(inArray(signInFailures.key, keys))
    const now = this.clock.now()
    let until = 0
    for (const row of rows) {
      if (row.key === attempt.accountKey) attempt.accountHasFailures = true
      const locked = row.lockedUntil?.getTime() ?? 0
      if (locked > now) until = Math.max(until, locked)
    }
    if (until > now) throw new RateLimitedError(Math.ceil((until - now) / 1000))
    return attempt
  }

  /** A good credential: the account's counter starts again (the address's does not). */
  async recordSuccess(attempt: Attempt): Promise<void> {
    if (!attempt.accountHasFailures || !attempt.accountKey) return
    await this.database.db.delete(signInFailures).where(eq(signInFailures.key, attempt.accountKey))
  }

  /**
   * A bad credential: counts it for the account and the address; when either reaches its limit,
   * locks it out, audits the lockout and throws RateLimitedError.
   */
  async recordFailure(attempt: Attempt): Promise<void> {
    let retryAfter = 0
    if (attempt.accountKey) {
      retryAfter = Math.max(
        retryAfter,
        await this.count(attempt.accountKey, this.settings.maxFailures),
      )
    }
    retryAfter = Math.max(
      retryAfter,
      await this.count(attempt.addressKey, this.settings.maxAddressFailures),
    )
    if (retryAfter > 0) throw new RateLimitedError(retryAfter)
  }

  /** Adds one failure to `key`; the lockout's length in seconds when this one starts it, else 0. */
  private async count(key: string, max: number): Promise<number> {
    const now = new Date(this.clock.now())
    const stale = new Date(now.getTime() - this.settings.maxLockoutSeconds * 1000)
    const t = signInFailures
    // A raw template's parameter is untyped: postgres.js cannot send a Date in it, so it goes as text.
    // Quiet since the last failure or lockout ended for a whole cap: the slate is clean.
    const fresh = sql`greatest(${t.updatedAt}, coalesce(${t.lockedUntil}, ${t.updatedAt})) < ${stale.toISOString()}::timestamptz`
    // One statement, so concurrent failures in several processes each count.
    const [row] = await this.database.db
      .insert(t)
      .values({ key, failures: 1, lockouts: 0, updatedAt: now })
      .onConflictDoUpdate({
        target: t.key,
        set: {
          failures: sql`case when ${fresh} then 1 else ${t.failures} + 1 end`,
          lockouts: sql`case when ${fresh} then 0 else ${t.lockouts} end`,
          updatedAt: now,
        },
      })
      .returning({ failures: t.failures, lockouts: t.lockouts })
    if (!row || row.failures < max) return 0
    const seconds = Math.min(
      this.settings.lockoutSeconds * 2 ** row.lockouts,
      this.settings.maxLockoutSeconds,
    )
    const until = new Date(now.getTime() + seconds * 1000)
    // Only the failure that reached the limit locks: a concurrent one finds failures reset.
    const locked = await this.database.db
      .update(t)
      .set({ failures: 0, lockouts: sql`${t.lockouts} + 1`, lockedUntil: until, updatedAt: now })
      .where(and(eq(t.key, key), gt(t.failures, max - 1), lt(t.lockouts, row.lockouts + 1)))
      .returning({ key: t.key })
    if (locked.length === 0) return 0
    await this.database.db.insert(auditLog).values({
      org: SYSTEM_AUDIT_ORG,
      actor: key,
      action: 'auth.locked_out',
      target: key,
      details: {
        failures: row.failures,
        lockout: row.lockouts + 1,
        seconds,
        until: until.toISOString(),
      },
    })
    return seconds
  }
}
