import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SESSION_IDLE_MS } from '../../src/auth/sessions.ts'
import { createTestApp, ROOT_EMAIL, ROOT_PASSWORD, type TestApp } from '../helpers/app.ts'

/** Browser sessions: the cookie, its expiry, sign-out, and the CSRF rule for cookie requests. */
describe('browser sessions', () => {
  let t: TestApp
  const org = 'sess'

  beforeAll(async () => {
    t = await createTestApp()
    await t.request('POST', '/api/v2/orgs', { body: { id: org } })
  })
  afterAll(() => t?.close())

  async function signIn(email = ROOT_EMAIL, password = ROOT_PASSWORD) {
    const res = await t.request('POST', '/api/v2/session', {
      auth: null,
      body: { email, password },
    })
    const setCookie = res.headers.get('set-cookie') ?? ''
    const cookie = /herald_session=[^;]+/.exec(setCookie)?.[0] ?? ''
    return { res, setCookie, cookie }
  }

  it('sets an httpOnly SameSite=Lax cookie that authenticates API reads', async () => {
    const { res, setCookie, cookie } = await signIn()
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ code: 200, email: ROOT_EMAIL, root: true })
    expect(setCookie).toMatch(/HttpOnly/i)
    expect(setCookie).toMatch(/SameSite=Lax/i)
    // PUBLIC_URL is http:// in tests, so the cookie must still reach the server.
    expect(setCookie).not.toMatch(/Secure/i)
    const me = await t.request('GET', '/api/v2/me', { auth: null, headers: { cookie } })
    expect(me.status).toBe(200)
    expect(me.body.email).toBe(ROOT_EMAIL)
  })

  it('gives one message for a wrong password and an unknown address', async () => {
    const wrong = await signIn(ROOT_EMAIL, 'not-the-password')
    const unknown = await signIn('nobody@herald.test', 'not-the-password')
    expect(wrong.res.status).toBe(401)
    expect(unknown.res.status).toBe(401)
    expect(wrong.res.body.message).toBe('Wrong email or password')
    expect({ ...unknown.res.body, trace_id: 0 }).toEqual({ ...wrong.res.body, trace_id: 0 })
    expect(wrong.setCookie).toBe('')
  })

  it('refuses state-changing cookie requests without the CSRF header (cross-site form post)', async () => {
    const { cookie } = await signIn()
    // What a hostile page's <form method=post> sends: the cookie, a form body, no custom header.
    const forged = await t.request('POST', `/api/v2/${org}/folders/reports`, {
      auth: null,
      headers: {
        cookie,
        'content-type': 'application/x-www-form-urlencoded',
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      },
      raw: 'name=pwned',
    })
    expect(forged.status).toBe(403)
    expect(forged.body).toMatchObject({ code: 403, message: 'Cross-site request refused' })
    const list = await t.request('GET', `/api/v2/${org}/folders/reports`, {
      auth: null,
      headers: { cookie },
    })
    expect(list.status).toBe(200)
    expect(JSON.stringify(list.body)).not.toContain('pwned')

    // The header alone is not enough from another site (the browser says where it came from).
    const crossSite = await t.request('POST', `/api/v2/${org}/folders/reports`, {
      auth: null,
      headers: { cookie, 'x-herald-csrf': '1', 'sec-fetch-site': 'cross-site' },
      body: { name: 'Also refused' },
    })
    expect(crossSite.status).toBe(403)

    const own = await t.request('POST', `/api/v2/${org}/folders/reports`, {
      auth: null,
      headers: { cookie, 'x-herald-csrf': '1', 'sec-fetch-site': 'same-origin' },
      body: { name: 'From the UI' },
    })
    expect(own.status).toBe(200)
  })

  it('ends after inactivity, and is kept alive by use', async () => {
    const { cookie } = await signIn()
    t.clock.advance(SESSION_IDLE_MS - 60_000)
    expect((await t.request('GET', '/api/v2/me', { auth: null, headers: { cookie } })).status).toBe(
      200,
    )
    t.clock.advance(SESSION_IDLE_MS - 60_000)
    expect((await t.request('GET', '/api/v2/me', { auth: null, headers: { cookie } })).status).toBe(
      200,
    )
    t.clock.advance(SESSION_IDLE_MS + 1)
    const expired = await t.request('GET', '/api/v2/me', { auth: null, headers: { cookie } })
    expect(expired.status).toBe(401)
    expect(expired.body.message).toBe('Session expired; sign in again')
  })

  it('signs out: the cookie stops working and is cleared', async () => {
    const { cookie } = await signIn()
    const refused = await t.request('DELETE', '/api/v2/session', {
      auth: null,
      headers: { cookie },
    })
    expect(refused.status).toBe(403)
    const out = await t.request('DELETE', '/api/v2/session', {
      auth: null,
      headers: { cookie, 'x-herald-csrf': '1' },
    })
    expect(out.status).toBe(200)
    expect(out.headers.get('set-cookie')).toMatch(/herald_session=;.*Max-Age=0/i)
    const me = await t.request('GET', '/api/v2/me', { auth: null, headers: { cookie } })
    expect(me.status).toBe(401)
  })

  it('lets an Authorization header win over a cookie', async () => {
    const me = await t.request('GET', '/api/v2/me', { headers: { cookie: 'herald_session=junk' } })
    expect(me.status).toBe(200)
  })
})
