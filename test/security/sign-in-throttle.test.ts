import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog } from '../../src/db/schema/index.ts'
import { basic, createTestApp, type Res, type TestApp } from '../helpers/app.ts'

// Issue 15, finding 3: wrong Basic-auth passwords could be tried without limit (33 in 5 s, every
// one a 401). Failed sign-ins are now counted per account and per client address in the database.
const org = 'throttle'
const PASSWORD = 'password-123'
const SETTINGS = {
  maxFailures: 5,
  maxAddressFailures: 8,
  lockoutSeconds: 60,
  maxLockoutSeconds: 900,
}

let addressCounter = 0
/** A client address of its own per test, so tests do not share the per-address count. */
const freshAddress = () => `203.0.113.${++addressCounter}`

/** The envelope without its per-request id, to compare two answers. */
const sansTrace = (r: Res) => ({ ...r.body, trace_id: undefined })

// Each failure costs a real scrypt verification (tens of ms, far more on a loaded machine).
describe('sign-in throttling', { timeout: 180_000 }, () => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp({ signInThrottle: SETTINGS, trustProxy: true })
  })
  afterAll(async () => {
    await t?.close()
  })

  const signIn = (auth: string, address: string) =>
    t.request('GET', `/api/v2/${org}/reports`, {
      auth,
      headers: { 'x-forwarded-for': `${address}, 10.0.0.1` },
    })
  let userCounter = 0
  const newUser = async () => {
    const email = `guess-target${++userCounter}@herald.test`
    await t.member(org, ['viewer'], email)
    return email
  }

  it('slows a guesser to a handful of tries a minute with a 429, Retry-After and the envelope', async () => {
    const email = await newUser()
    const address = freshAddress()
    const started = t.clock.now()
    const answers: Res[] = []
    // A guesser trying as fast as it can for one minute of the fake clock, 1 try per second.
    while (t.clock.now() < started + 60_000) {
      answers.push(await signIn(basic(email, `guess-${answers.length}`), address))
      t.clock.advance(1000)
    }
    const checked = answers.filter((r) => r.status === 401)
    expect(checked).toHaveLength(4)
    expect(answers[4]?.status).toBe(429)
    const refused = answers.filter((r) => r.status === 429)
    expect(refused).toHaveLength(56)
    for (const r of refused) {
      expect(r.body).toMatchObject({
        code: 429,
        error: 'rate_limited',
        message: 'Too many failed sign-ins, try again later',
      })
      expect(typeof r.body.trace_id).toBe('string')
      const retryAfter = Number(r.headers.get('retry-after'))
      expect(retryAfter).toBeGreaterThan(0)
      expect(retryAfter).toBeLessThanOrEqual(60)
    }
    expect(answers[4]?.headers.get('retry-after')).toBe('60')
  })

  it('keeps the real user out during the lockout and lets them in after it; success resets', async () => {
    const email = await newUser()
    const address = freshAddress()
    for (let i = 0; i < 4; i++)
      expect((await signIn(basic(email, 'wrong'), address)).status).toBe(401)
    expect((await signIn(basic(email, 'wrong'), address)).status).toBe(429)
    // The right password from another address is refused too: the account is locked.
    const during = await signIn(basic(email, PASSWORD), freshAddress())
    expect(during.status).toBe(429)
    t.clock.advance(59_000)
    expect((await signIn(basic(email, PASSWORD), address)).status).toBe(429)
    t.clock.advance(1_000)
    expect((await signIn(basic(email, PASSWORD), address)).status).toBe(200)
    // The success cleared the account: four more mistakes are each a plain 401 again.
    const other = freshAddress()
    for (let i = 0; i < 4; i++) expect((await signIn(basic(email, 'typo'), other)).status).toBe(401)
    expect((await signIn(basic(email, PASSWORD), other)).status).toBe(200)
  })

  it('makes each lockout longer than the last, up to the cap', async () => {
    const email = await newUser()
    const seen: number[] = []
    for (let round = 0; round < 6; round++) {
      const address = freshAddress()
      let last: Res | undefined
      for (let i = 0; i < 5; i++) last = await signIn(basic(email, `round${round}-${i}`), address)
      expect(last?.status).toBe(429)
      const retryAfter = Number(last?.headers.get('retry-after'))
      seen.push(retryAfter)
      t.clock.advance(retryAfter * 1000)
    }
    expect(seen).toEqual([60, 120, 240, 480, 900, 900])
  })

  it('counts failures per address across accounts', async () => {
    const address = freshAddress()
    // One wrong password for each of eight accounts, known and unknown: no account reaches its limit.
    for (let i = 0; i < 7; i++) {
      const email = i % 2 ? await newUser() : `nobody${i}-${addressCounter}@herald.test`
      expect((await signIn(basic(email, 'spray'), address)).status).toBe(401)
    }
    const eighth = await signIn(basic(await newUser(), 'spray'), address)
    expect(eighth.status).toBe(429)
    expect(eighth.headers.get('retry-after')).toBe('60')
    // The address is locked for everyone signing in from it, with good credentials too…
    const good = await newUser()
    expect((await signIn(basic(good, PASSWORD), address)).status).toBe(429)
    // …but not for the same account from elsewhere.
    expect((await signIn(basic(good, PASSWORD), freshAddress())).status).toBe(200)
  })

  it('counts wrong bearer tokens by address too', async () => {
    const address = freshAddress()
    const answers: number[] = []
    for (let i = 0; i < 9; i++)
      answers.push((await signIn(`Bearer not-a-token-${i}`, address)).status)
    expect(answers).toEqual([401, 401, 401, 401, 401, 401, 401, 429, 429])
  })

  it('answers an unknown account exactly as a known one, before and during a lockout', async () => {
    const known = await newUser()
    const unknown = `never-existed-${Date.now()}@herald.test`
    const knownAt = freshAddress()
    const unknownAt = freshAddress()
    for (let i = 0; i < 5; i++) {
      const a = await signIn(basic(known, `w${i}`), knownAt)
      const b = await signIn(basic(unknown, `w${i}`), unknownAt)
      expect(b.status).toBe(a.status)
      expect(sansTrace(b)).toEqual(sansTrace(a))
      expect(b.headers.get('retry-after')).toBe(a.headers.get('retry-after'))
    }
    const a = await signIn(basic(known, 'again'), knownAt)
    const b = await signIn(basic(unknown, 'again'), unknownAt)
    expect(a.status).toBe(429)
    expect(b.status).toBe(429)
    expect(sansTrace(b)).toEqual(sansTrace(a))
  })

  it('writes an audit-log entry for every lockout', async () => {
    const email = await newUser()
    const address = freshAddress()
    for (let i = 0; i < 5; i++) await signIn(basic(email, 'wrong'), address)
    const rows = await t.tdb.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'auth.locked_out'), eq(auditLog.target, `account:${email}`)))
    expect(rows).toHaveLength(1)
    expect(rows[0]?.details).toMatchObject({ seconds: 60, lockout: 1 })
    expect(rows[0]?.at).toBeInstanceOf(Date)
  })
  it('throttles the browser sign-in too, sharing the counts with Basic auth', async () => {
    const email = await newUser()
    const address = freshAddress()
    const viaSession = (password: string) =>
      t.request('POST', '/api/v2/session', {
        auth: null,
        body: { email, password },
        headers: { 'x-forwarded-for': `${address}, 10.0.0.1` },
      })
    // Two wrong Basic passwords and two wrong form sign-ins count against the same account.
    for (let i = 0; i < 2; i++)
      expect((await signIn(basic(email, 'wrong'), address)).status).toBe(401)
    for (let i = 0; i < 2; i++) {
      const r = await viaSession('wrong')
      expect(r.status).toBe(401)
      expect(r.body.message).toBe('Wrong email or password')
    }
    const locked = await viaSession('wrong')
    expect(locked.status).toBe(429)
    expect(locked.body).toMatchObject({ error: 'rate_limited' })
    expect(locked.headers.get('retry-after')).toBe('60')
    expect(locked.headers.get('set-cookie')).toBeNull()
    // The right password is refused during the lockout, and opens a session after it.
    expect((await viaSession(PASSWORD)).status).toBe(429)
    t.clock.advance(60_000)
    const after = await viaSession(PASSWORD)
    expect(after.status).toBe(200)
    expect(after.headers.get('set-cookie')).toContain('herald_session=')
  })
})
