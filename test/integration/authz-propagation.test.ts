import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { basic, createTestApp, ROOT_PASSWORD, type TestApp } from '../helpers/app.ts'
import { postgresUrl, within } from '../helpers/db.ts'
import { makeDashboard, makeFolder, makeReport } from '../helpers/factories.ts'
import { type ApiPair, twoApiServers } from '../helpers/process.ts'

/**
 * A grant changed through one process is enforced by every other within a second
 * (LISTEN/NOTIFY). PGlite is one process by design, so this needs PostgreSQL.
 */
const suite = postgresUrl ? describe : describe.skip
if (!postgresUrl) {
  console.log('authz propagation tests need PostgreSQL: set DATABASE_URL to run them')
}

suite('grants across processes on one PostgreSQL database', () => {
  // Two app instances in this test process, each with its own connections and its own enforcer:
  // what they share is exactly what two Herald processes share, the database.
  let a: TestApp
  let b: TestApp
  const org = 'prop'

  beforeAll(async () => {
    a = await createTestApp()
    b = await createTestApp({ sameDatabaseAs: a })
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  it('a grant made through A is enforced by B, and a revocation through A refused by B, within 1 s', async () => {
    const dash = await makeDashboard(a, org)
    const F = await makeFolder(a, org)
    const report = await makeReport(a, org, dash, F)
    expect(
      (await a.request('POST', `/api/v2/${org}/roles`, { body: { name: 'team' } })).status,
    ).toBe(200)
    const user = await a.member(org, ['team'])
    const onB = () => b.request('GET', `/api/v2/${org}/reports/${report}`, { auth: user })
    expect((await onB()).status).toBe(404)

    const grant = await a.request('PUT', `/api/v2/${org}/roles/team/permissions`, {
      body: [{ object: `rfolder:${F}`, actions: ['list', 'get'] }],
    })
    expect(grant.status).toBe(200)
    const granted = await within(1000, async () => (await onB()).status === 200)

    const revoke = await a.request('PUT', `/api/v2/${org}/roles/team/permissions`, { body: [] })
    expect(revoke.status).toBe(200)
    const revoked = await within(1000, async () => (await onB()).status === 404)
    expect(granted).toBeLessThan(1000)
    expect(revoked).toBeLessThan(1000)
  })
})

suite('grants across real Herald processes', () => {
  let pair: ApiPair
  beforeAll(async () => {
    pair = await twoApiServers(ROOT_PASSWORD)
  })
  afterAll(() => pair.close())

  it('a revocation through one server is refused by the other within 1 s', async () => {
    const [one, two] = pair.bases
    const root = basic('root@herald.test', ROOT_PASSWORD)
    const call = async (
      base: string,
      method: string,
      path: string,
      auth: string,
      body?: unknown,
    ) => {
      const res = await fetch(`${base}/api/v2/rp${path}`, {
        method,
        headers: { authorization: auth, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
      return { status: res.status, body: await res.json().catch(() => undefined) }
    }

    const folder = await call(one, 'POST', '/folders/reports', root, { name: 'F' })
    expect(folder.status).toBe(200)
    const F = (folder.body as { folderId: string }).folderId
    expect((await call(one, 'POST', '/roles', root, { name: 'team' })).status).toBe(200)
    const grant = [{ object: `rfolder:${F}`, actions: ['list', 'get'] }]
    expect((await call(one, 'PUT', '/roles/team/permissions', root, grant)).status).toBe(200)
    const user = { email: 'pat@herald.test', password: 'password-123', roles: ['team'] }
    expect((await call(one, 'POST', '/users', root, user)).status).toBe(200)
    const pat = basic(user.email, user.password)
    const onTwo = () => call(two, 'GET', `/folders/reports/${F}`, pat)
    await within(1000, async () => (await onTwo()).status === 200)

    expect((await call(one, 'PUT', '/roles/team/permissions', root, [])).status).toBe(200)
    const ms = await within(1000, async () => (await onTwo()).status === 404)
    expect(ms).toBeLessThan(1000)
  }, 60_000)
})
