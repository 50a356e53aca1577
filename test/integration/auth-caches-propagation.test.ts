import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { basic, createTestApp, ROOT_PASSWORD, type TestApp } from '../helpers/app.ts'
import { postgresUrl, within } from '../helpers/db.ts'
import { makeDashboard, makeFolder, makeReport, unique } from '../helpers/factories.ts'
import { type ApiPair, twoApiServers } from '../helpers/process.ts'

/**
 * Every process remembers verified API tokens for a few seconds; a revocation through one
 * process is refused by every other within the second a policy change takes (LISTEN/NOTIFY),
 * not after the TTL. PGlite is one process by design, so this needs PostgreSQL.
 */
const suite = postgresUrl ? describe : describe.skip
if (!postgresUrl) {
  console.log('auth cache propagation tests need PostgreSQL: set DATABASE_URL to run them')
}

suite('remembered credentials across processes on one PostgreSQL database', () => {
  let a: TestApp
  let b: TestApp
  const org = 'credprop'
  let folder: string
  let report: string

  beforeAll(async () => {
    a = await createTestApp()
    b = await createTestApp({ sameDatabaseAs: a })
    const dash = await makeDashboard(a, org)
    folder = await makeFolder(a, org)
    report = await makeReport(a, org, dash, folder)
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  const token = async (roles: string[]) => {
    const res = await a.request('POST', `/api/v2/${org}/tokens`, {
      body: { name: unique('tok'), roles },
    })
    expect(res.status).toBe(200)
    return { id: res.body.id as string, auth: `Bearer ${res.body.token}` }
  }
  const onB = (auth: string) => b.request('GET', `/api/v2/${org}/reports/${report}`, { auth })

  it('a token revoked through A is refused by B within 1 s', async () => {
    const tok = await token(['viewer'])
    expect((await onB(tok.auth)).status).toBe(200)
    expect((await onB(tok.auth)).status).toBe(200)
    expect((await a.request('DELETE', `/api/v2/${org}/tokens/${tok.id}`)).status).toBe(200)
    const ms = await within(1000, async () => (await onB(tok.auth)).status === 401)
    expect(ms).toBeLessThan(1000)
  })

  it('a role deleted through A and created again does not come back to a token B remembers', async () => {
    const role = unique('team')
    const grant = [{ object: `rfolder:${folder}`, actions: ['list', 'get'] }]
    const roles = () => a.request('POST', `/api/v2/${org}/roles`, { body: { name: role } })
    const put = () => a.request('PUT', `/api/v2/${org}/roles/${role}/permissions`, { body: grant })
    expect((await roles()).status).toBe(200)
    expect((await put()).status).toBe(200)
    const tok = await token([role])
    const email = `${unique('m')}@herald.test`.toLowerCase()
    const member = await a.member(org, [role], email)
    await within(1000, async () => (await onB(tok.auth)).status === 200)

    expect((await a.request('DELETE', `/api/v2/${org}/roles/${role}`)).status).toBe(200)
    expect((await roles()).status).toBe(200)
    expect((await put()).status).toBe(200)
    // Deleting the role took it from the member too; give it back, so B's policy is known to
    // have the new grant once the member is let in again.
    expect(
      (await a.request('PUT', `/api/v2/${org}/users/${email}`, { body: { roles: [role] } })).status,
    ).toBe(200)
    await within(1000, async () => (await onB(member)).status === 200)
    expect((await onB(tok.auth)).status).toBe(404)
  })

  it('a password changed through A stops the old one on B within 1 s', async () => {
    const email = `${unique('pw')}@herald.test`.toLowerCase()
    const old = await a.member(org, ['viewer'], email)
    expect((await onB(old)).status).toBe(200)
    const res = await a.request('PUT', `/api/v2/${org}/users/${email}`, {
      body: { password: 'another-password-1' },
    })
    expect(res.status).toBe(200)
    const ms = await within(1000, async () => (await onB(old)).status === 401)
    expect(ms).toBeLessThan(1000)
    expect((await onB(basic(email, 'another-password-1'))).status).toBe(200)
  })
})

suite('remembered tokens across real Herald processes', () => {
  let pair: ApiPair
  beforeAll(async () => {
    pair = await twoApiServers(ROOT_PASSWORD)
  })
  afterAll(() => pair.close())

  it('a token revoked through one server is refused by the other within 1 s', async () => {
    const [one, two] = pair.bases
    const root = basic('root@herald.test', ROOT_PASSWORD)
    const call = async (base: string, method: string, path: string, auth: string) => {
      const res = await fetch(`${base}/api/v2/ac${path}`, {
        method,
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: method === 'POST' ? JSON.stringify({ name: 'ci', roles: ['viewer'] }) : undefined,
      })
      const body = (await res.json().catch(() => undefined)) as Record<string, string> | undefined
      return { status: res.status, body, requestId: res.headers.get('x-request-id') }
    }

    const made = await call(one, 'POST', '/tokens', root)
    expect(made.status).toBe(200)
    const bearer = `Bearer ${made.body!.token}`
    const onTwo = () => call(two, 'GET', '/reports', bearer)
    const ok = await onTwo()
    expect(ok.status).toBe(200)
    // On Node the request id is put on the ServerResponse: every kind of response carries it.
    expect(ok.requestId).toMatch(/^[0-9a-f-]{36}$/)
    const missing = await call(two, 'GET', '/reports/nope', bearer)
    expect(missing.status).toBe(404)
    expect(missing.requestId).toBe(missing.body!.trace_id)

    expect((await call(one, 'DELETE', `/tokens/${made.body!.id}`, root)).status).toBe(200)
    const ms = await within(1000, async () => (await onTwo()).status === 401)
    expect(ms).toBeLessThan(1000)
    expect((await onTwo()).requestId).toBeTruthy()
  }, 60_000)
})
