import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import {
  dashboardBody,
  makeDashboard,
  makeFolder,
  makeReport,
  reportBody,
} from '../helpers/factories.ts'

/** HERALD_RBAC=off: open-source OpenObserve's behaviour, membership is all that counts. */
describe('HERALD_RBAC=off', () => {
  let t: TestApp
  let plain: string
  const org = 'open'
  const other = 'closed'

  beforeAll(async () => {
    t = await createTestApp({ rbac: false })
    await t.request('POST', '/api/v2/orgs', { body: { id: other } })
    // A member with no role at all.
    plain = await t.member(org, [])
  })
  afterAll(() => t?.close())

  it('lets a plain member do everything in its own org', async () => {
    const as = (method: string, path: string, body?: unknown) =>
      t.request(method, `/api/v2/${org}${path}`, { auth: plain, body })
    const folder = await as('POST', '/folders/reports', { name: 'Ops' })
    expect(folder.status).toBe(200)
    const F = folder.body.folderId
    const dash = await as('POST', '/dashboards', dashboardBody())
    expect(dash.status).toBe(200)
    const created = await as('POST', `/reports?folder=${F}`, reportBody(dash.body.id))
    expect(created.status).toBe(200)
    const id = created.body.id
    expect((await as('GET', `/reports/${id}`)).status).toBe(200)
    expect((await as('PUT', `/reports/${id}`, reportBody(dash.body.id))).status).toBe(200)
    expect((await as('PATCH', `/reports/${id}/enable?value=false`)).status).toBe(200)
    expect((await as('PUT', `/reports/${id}/trigger?wait=0`)).status).toBe(202)
    expect(
      (await as('PATCH', '/reports/move', { report_ids: [id], dst_folder_id: 'default' })).status,
    ).toBe(200)
    expect((await as('GET', '/reports')).body).toHaveLength(1)
    expect((await as('POST', '/roles', { name: 'ops' })).status).toBe(200)
    expect((await as('POST', '/tokens', { name: 'ci', roles: ['ops'] })).status).toBe(200)
    expect(
      (
        await as('POST', '/users', {
          email: 'eve@example.com',
          password: 'password-123',
          roles: [],
        })
      ).status,
    ).toBe(200)
    expect((await as('DELETE', `/reports/${id}`)).status).toBe(200)
    expect((await as('DELETE', `/folders/reports/${F}`)).status).toBe(200)
  })

  it('gives it nothing in another org', async () => {
    const dash = await makeDashboard(t, other)
    const F = await makeFolder(t, other)
    const id = await makeReport(t, other, dash, F)
    const as = (method: string, path: string, body?: unknown) =>
      t.request(method, `/api/v2/${other}${path}`, { auth: plain, body })
    for (const [method, path, body] of [
      ['GET', '/reports'],
      ['GET', `/reports/${id}`],
      ['PUT', `/reports/${id}`, reportBody(dash)],
      ['DELETE', `/reports/${id}`],
      ['GET', '/folders/reports'],
      ['POST', '/folders/reports', { name: 'mine' }],
      ['GET', '/dashboards'],
      ['GET', '/users'],
    ] as const) {
      expect([method, path, (await as(method, path, body)).status]).toEqual([method, path, 403])
    }
    // Nor through its own org's path: another org's report is simply not there.
    expect((await t.request('GET', `/api/v2/${org}/reports/${id}`, { auth: plain })).status).toBe(
      404,
    )
  })
})
