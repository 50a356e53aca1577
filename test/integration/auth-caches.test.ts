import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Authenticator } from '../../src/auth/principal.ts'
import { VERIFIED_TOKEN_TTL_MS } from '../../src/auth/verified-tokens.ts'
import { basic, createTestApp, ROOT_EMAIL, type TestApp } from '../helpers/app.ts'
import { makeDashboard, makeFolder, makeReport, unique } from '../helpers/factories.ts'

/**
 * What the hot read path remembers (verified API tokens, Casbin decisions) must be forgotten
 * the moment what it was derived from changes. Each test warms the cache first, then changes
 * the stored truth through the API, then expects the very next request to see the change: with
 * a cache that is not invalidated, these fail. Cross-process forgetting is in
 * auth-caches-propagation.test.ts (PostgreSQL).
 */
describe('caches on the GET path', () => {
  let t: TestApp
  const org = 'caches'
  let folder: string
  let report: string

  beforeAll(async () => {
    t = await createTestApp()
    const dash = await makeDashboard(t, org)
    folder = await makeFolder(t, org)
    report = await makeReport(t, org, dash, folder)
  })
  afterAll(async () => {
    await t?.close()
  })

  const token = async (body: Record<string, unknown>) => {
    const res = await t.request('POST', `/api/v2/${org}/tokens`, {
      body: { name: unique('tok'), ...body },
    })
    expect(res.status).toBe(200)
    return { id: res.body.id as string, auth: `Bearer ${res.body.token}` }
  }
  const get = (auth: string) => t.request('GET', `/api/v2/${org}/reports/${report}`, { auth })

  it('a revoked token is refused by the very next request', async () => {
    const tok = await token({ roles: ['viewer'] })
    expect((await get(tok.auth)).status).toBe(200)
    expect((await get(tok.auth)).status).toBe(200)
    expect((await t.request('DELETE', `/api/v2/${org}/tokens/${tok.id}`)).status).toBe(200)
    expect((await get(tok.auth)).status).toBe(401)
  })

  it('a remembered token still checks the secret it is presented with', async () => {
    const tok = await token({ roles: ['viewer'] })
    expect((await get(tok.auth)).status).toBe(200)
    const forged = `${tok.auth.slice(0, -4)}${tok.auth.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`
    expect((await get(forged)).status).toBe(401)
  })

  it('an expired token is refused even while it is remembered', async () => {
    let now = Date.now()
    const auth = new Authenticator(t.tdb.database, ROOT_EMAIL, { now: () => now })
    const expires = new Date(now + 2_000)
    const tok = await token({ roles: ['viewer'], expires_at: expires.toISOString() })
    const header = tok.auth
    await expect(auth.authenticate(header)).resolves.toMatchObject({ kind: 'token', id: tok.id })
    now = expires.getTime() - 1
    await expect(auth.authenticate(header)).resolves.toMatchObject({ id: tok.id })
    now = expires.getTime()
    await expect(auth.authenticate(header)).rejects.toThrow('Token expired')
  })

  it('forgets a token after its TTL, so a row changed behind its back is read again', async () => {
    let now = Date.now()
    const auth = new Authenticator(t.tdb.database, ROOT_EMAIL, { now: () => now })
    const tok = await token({ roles: ['viewer'] })
    await expect(auth.authenticate(tok.auth)).resolves.toMatchObject({ tokenRoles: ['viewer'] })
    // A change no API call announces (an operator's SQL): only the TTL bounds it.
    await t.tdb.database.db.execute(
      sql`update api_tokens set roles = '{runner}' where id = ${tok.id}`,
    )
    await expect(auth.authenticate(tok.auth)).resolves.toMatchObject({ tokenRoles: ['viewer'] })
    now += VERIFIED_TOKEN_TTL_MS
    await expect(auth.authenticate(tok.auth)).resolves.toMatchObject({ tokenRoles: ['runner'] })
    await t.tdb.database.db.execute(sql`delete from api_tokens where id = ${tok.id}`)
    now += VERIFIED_TOKEN_TTL_MS
    await expect(auth.authenticate(tok.auth)).rejects.toThrow()
  })

  it('a token whose role was deleted does not regain it when the role is created again', async () => {
    const role = unique('team')
    const grant = [{ object: `rfolder:${folder}`, actions: ['list', 'get'] }]
    expect((await t.request('POST', `/api/v2/${org}/roles`, { body: { name: role } })).status).toBe(
      200,
    )
    const put = (body: unknown) =>
      t.request('PUT', `/api/v2/${org}/roles/${role}/permissions`, { body })
    expect((await put(grant)).status).toBe(200)
    const tok = await token({ roles: [role] })
    expect((await get(tok.auth)).status).toBe(200)

    expect((await t.request('DELETE', `/api/v2/${org}/roles/${role}`)).status).toBe(200)
    expect((await get(tok.auth)).status).toBe(404)
    expect((await t.request('POST', `/api/v2/${org}/roles`, { body: { name: role } })).status).toBe(
      200,
    )
    expect((await put(grant)).status).toBe(200)
    // The token's stored roles lost the deleted role; a remembered copy must not bring it back.
    expect((await get(tok.auth)).status).toBe(404)
  })

  it('a grant taken away is enforced by the very next request (decision cache)', async () => {
    const role = unique('readers')
    expect((await t.request('POST', `/api/v2/${org}/roles`, { body: { name: role } })).status).toBe(
      200,
    )
    const put = (body: unknown) =>
      t.request('PUT', `/api/v2/${org}/roles/${role}/permissions`, { body })
    const user = await t.member(org, [role])
    expect((await get(user)).status).toBe(404)
    expect((await put([{ object: `rfolder:${folder}`, actions: ['list', 'get'] }])).status).toBe(
      200,
    )
    expect((await get(user)).status).toBe(200)
    expect((await put([{ object: `rfolder:${folder}`, actions: ['list'] }])).status).toBe(200)
    expect((await get(user)).status).toBe(403)
    expect((await put([])).status).toBe(200)
    expect((await get(user)).status).toBe(404)
  })

  it('a disabled user is refused at once, even with a remembered sign-in', async () => {
    const email = `${unique('dis')}@herald.test`.toLowerCase()
    const user = await t.member(org, ['viewer'], email)
    expect((await get(user)).status).toBe(200)
    await t.tdb.database.db.execute(sql`update users set disabled = true where email = ${email}`)
    expect((await get(user)).status).toBe(401)
  })

  it('a changed password stops the old one at once', async () => {
    const email = `${unique('pw')}@herald.test`.toLowerCase()
    const user = await t.member(org, ['viewer'], email)
    expect((await get(user)).status).toBe(200)
    const res = await t.request('PUT', `/api/v2/${org}/users/${email}`, {
      body: { password: 'another-password-1' },
    })
    expect(res.status).toBe(200)
    expect((await get(user)).status).toBe(401)
    expect((await get(basic(email, 'another-password-1'))).status).toBe(200)
  })
})

describe('GET one report in one query', () => {
  let t: TestApp
  const org = 'oneq'

  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(async () => {
    await t?.close()
  })

  it("shows each dashboard's current folder, and only this org's dashboards", async () => {
    const dash = await makeDashboard(t, org)
    const report = await makeReport(t, org, dash)
    const before = await t.request('GET', `/api/v2/${org}/reports/${report}`)
    expect(before.status).toBe(200)
    expect(before.body.dashboards[0].folder).toBe('default')

    const res = await t.request('POST', `/api/v2/${org}/folders/dashboards`, {
      body: { name: unique('dfolder'), description: '' },
    })
    const moved = res.body.folderId as string
    const def = await t.request('GET', `/api/v2/${org}/dashboards/${dash}`)
    const put = await t.request('PUT', `/api/v2/${org}/dashboards/${dash}?folder=${moved}`, {
      body: { title: def.body.title, description: '', tabs: def.body.tabs, variables: [] },
    })
    expect(put.status).toBe(200)
    const after = await t.request('GET', `/api/v2/${org}/reports/${report}`)
    expect(after.body.dashboards[0].folder).toBe(moved)
    expect(after.body).toMatchObject({ id: report, folderId: 'default', orgId: org })
    expect((await t.request('GET', `/api/v2/other/reports/${report}`)).status).toBe(404)
  })

  it('echoes a request id on successes, errors and unknown routes', async () => {
    const ok = await t.request('GET', `/api/v2/${org}/reports`, {
      headers: { 'x-request-id': 'trace-123' },
    })
    expect(ok.headers.get('x-request-id')).toBe('trace-123')
    const missing = await t.request('GET', `/api/v2/${org}/reports/nope`)
    expect(missing.status).toBe(404)
    expect(missing.headers.get('x-request-id')).toBe(missing.body.trace_id)
    const unknown = await t.request('GET', '/nowhere')
    expect(unknown.headers.get('x-request-id')).toBeTruthy()
  })
})
