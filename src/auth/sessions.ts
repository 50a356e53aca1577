import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Database, Principal } from '../context.ts'
import { browserSessions, users } from '../db/schema/index.ts'
import { UnauthorizedError } from '../errors.ts'
import { newId } from '../lib/ids.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import type { SignInThrottle } from './sign-in-throttle.ts'
import { userByEmail } from './statements.ts'
import { hashSecret, secretMatches } from './tokens.ts'

/** A browser session ends after this long without a request. */
export const SESSION_IDLE_MS = 2 * 60 * 60 * 1000
// last_seen_at is written at most this often: enough precision for a two-hour idle limit.
const TOUCH_EVERY_MS = 60_000
/** One message for an unknown address and a wrong password, so neither reveals the other. */
export const SIGN_IN_FAILED = 'Wrong email or password'

// Unknown addresses still pay for one KDF run, so the answer's timing does not tell them apart.
let decoyHash: Promise<string> | undefined

export interface SessionDeps {
  database: Database
  now: number
  isRoot(email: string): boolean
}

/** Where a sign-in comes from and what counts its failures (the same counts Basic auth uses). */
export interface SignInGuard {
  throttle: SignInThrottle | undefined
  /** The client's address, as the request logger and Basic auth see it. */
  address: string
}

/** Checks email and password and opens a session; returns the cookie value. */
export async function signIn(
  deps: SessionDeps,
  email: string,
  password: string,
  guard?: SignInGuard,
): Promise<{ cookie: string; principal: Principal }> {
  const account = email.trim().toLowerCase()
  // Checked before any KDF: a locked-out account or address gets its 429 without costing scrypt,
  // and an unknown account is counted and locked exactly like a known one.
  const attempt = await guard?.throttle?.checkAllowed(account, guard.address)
  const [user] = await userByEmail(deps.database).execute({ email: account })
  let valid: boolean
  if (user) {
    valid = await verifyPassword(password, user.passwordHash)
  } else {
    decoyHash ??= hashPassword('decoy-password')
    await verifyPassword(password, await decoyHash)
    valid = false
  }
  if (!user || !valid || user.disabled) {
    if (attempt) await guard?.throttle?.recordFailure(attempt)
    throw new UnauthorizedError(SIGN_IN_FAILED)
  }
  if (attempt) await guard?.throttle?.recordSuccess(attempt)
  const id = newId()
  const secret = randomBytes(24).toString('base64url')
  const at = new Date(deps.now)
  await deps.database.db.insert(browserSessions).values({
    id,
    userId: user.id,
    secretHash: hashSecret(secret),
    createdAt: at,
    lastSeenAt: at,
  })
  return {
    cookie: `${id}.${secret}`,
    principal: { kind: 'user', id: user.id, email: user.email, root: deps.isRoot(user.email) },
  }
}

/** The signed-in user of a cookie value; 401 when unknown, expired, or the user is disabled. */
export async function sessionPrincipal(deps: SessionDeps, cookie: string): Promise<Principal> {
  const parsed = parseCookie(cookie)
  if (!parsed) throw new UnauthorizedError('Session expired; sign in again')
  const [row] = await deps.database.db
    .select({
      lastSeenAt: browserSessions.lastSeenAt,
      secretHash: browserSessions.secretHash,
      userId: users.id,
      email: users.email,
      disabled: users.disabled,
    })
    .from(browserSessions)
    .innerJoin(users, eq(users.id, browserSessions.userId))
    .where(eq(browserSessions.id, parsed.id))
  if (!row || !secretMatches(parsed.secret, row.secretHash) || row.disabled) {
    throw new UnauthorizedError('Session expired; sign in again')
  }
  const idle = deps.now - row.lastSeenAt.getTime()
  if (idle > SESSION_IDLE_MS) {
    await deps.database.db.delete(browserSessions).where(eq(browserSessions.id, parsed.id))
    throw new UnauthorizedError('Session expired; sign in again')
  }
  if (idle > TOUCH_EVERY_MS) {
    await deps.database.db
      .update(browserSessions)
      .set({ lastSeenAt: new Date(deps.now) })
      .where(eq(browserSessions.id, parsed.id))
  }
  return { kind: 'user', id: row.userId, email: row.email, root: deps.isRoot(row.email) }
}

/** Ends the session of a cookie value; unknown values are already signed out. */
export async function signOut(database: Database, cookie: string): Promise<void> {
  const parsed = parseCookie(cookie)
  if (!parsed) return
  const [row] = await database.db
    .select({ secretHash: browserSessions.secretHash })
    .from(browserSessions)
    .where(eq(browserSessions.id, parsed.id))
  if (row && secretMatches(parsed.secret, row.secretHash)) {
    await database.db.delete(browserSessions).where(eq(browserSessions.id, parsed.id))
  }
}

function parseCookie(value: string): { id: string; secret: string } | null {
  const m = /^([0-9A-Za-z]{27})\.([0-9A-Za-z_-]{16,})$/.exec(value)
  return m ? { id: m[1]!, secret: m[2]! } : null
}
