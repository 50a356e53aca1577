import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { auditLog, reports } from '../../src/db/schema/index.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { makeDashboard, makeFolder, makeReport, reportBody, unique } from '../helpers/factories.ts'

/** Folder-scoped grants seen from the grantee's side: lists, edits, moves, bulk deletes. */
describe('a custom role granted one report folder', () => {
  let t: TestApp
  let dash: string
  let F: string
  let G: string
  let H: string
  let team: string
  const org = 'folders'
  const ids = { F: [] as string[], G: [] as string[], H: [] as string[], def: [] as string[] }
  const ALL = ['list', 'get', 'create', 'update', 'delete', 'trigger']

  const grant = (permissions: unknown[]) =>
    t.request('PUT', `/api/v2/${org}/roles/team/permissions`, { body: permissions })
  const as = (method: string, path: string, body?: unknown) =>
    t.request(method, `/api/v2/${org}${path}`, { auth: team, body })
  const exists = async (id: string) =>
    (await t.tdb.database.db.select().from(reports).where(eq(reports.id, id))).length === 1
  const listed = (body: { report_id: string }[]) => body.map((r) => r.report_id).sort()

  beforeAll(async () => {
    t = await createTestApp()
    dash = await makeDashboard(t, org)
    F = await makeFolder(t, org, 'F')
    G = await makeFolder(t, org, 'G')
    H = await makeFolder(t, org, 'H')
    for (const [key, folder] of [
      ['F', F],
      ['G', G],
      ['H', H],
      ['def', 'default'],
    ] as const) {
      for (let i = 0; i < 2; i++) ids[key].push(await makeReport(t, org, dash, folder))
    }
    expect(
      (await t.request('POST', `/api/v2/${org}/roles`, { body: { name: 'team' } })).status,
    ).toBe(200)
    expect((await grant([{ object: `rfolder:${F}`, actions: ALL }])).status).toBe(200)
    team = await t.member(org, ['team'])
  })
  afterAll(() => t?.close())

  it("sees exactly F's reports in every list", async () => {
    const v2 = await as('GET', '/reports')
    expect(v2.status).toBe(200)
    expect(listed(v2.body)).toEqual([...ids.F].sort())
    expect(listed((await as('GET', `/reports?folder=${F}`)).body)).toEqual([...ids.F].sort())
    expect((await as('GET', `/reports?folder=${G}`)).body).toEqual([])
    expect(listed((await as('GET', `/reports?dashboard_id=${dash}`)).body)).toEqual(
      [...ids.F].sort(),
    )
    const v1 = await t.request('GET', `/api/${org}/reports`, { auth: team })
    expect(listed(v1.body)).toEqual([...ids.F].sort())
    const folders = await as('GET', '/folders/reports')
    expect(folders.body.list.map((f: { folderId: string }) => f.folderId)).toEqual([F])
    // No dashboard folder was granted: the dashboards list is empty, not refused.
    const dashboards = await as('GET', '/dashboards')
    expect(dashboards.status).toBe(200)
    expect(dashboards.body.list).toEqual([])
  })

  it('can read and edit in F', async () => {
    const id = ids.F[0]!
    expect((await as('GET', `/reports/${id}`)).status).toBe(200)
    const body = reportBody(dash, { name: unique('edited') })
    expect((await as('PUT', `/reports/${id}`, body)).status).toBe(200)
    expect((await as('PATCH', `/reports/${id}/enable?value=false`)).status).toBe(200)
    const created = await as('POST', `/reports?folder=${F}`, reportBody(dash))
    expect(created.status).toBe(200)
    ids.F.push(created.body.id)
  })

  it('gets 404 in folders it may not list, indistinguishable from absent', async () => {
    const hidden = ids.H[0]!
    for (const [method, path, body] of [
      ['GET', `/reports/${hidden}`],
      ['PUT', `/reports/${hidden}`, reportBody(dash)],
      ['DELETE', `/reports/${hidden}`],
      ['PATCH', `/reports/${hidden}/enable?value=true`],
      ['PUT', `/reports/${hidden}/trigger?wait=0`],
      ['GET', `/reports/${hidden}/runs`],
      ['GET', `/folders/reports/${H}`],
      ['GET', '/folders/reports/name/H'],
    ] as const) {
      const res = await as(method, path, body)
      const absent = await as(method, path.replace(hidden, 'x'.repeat(27)).replace(H, 'nope'), body)
      expect([method, path, res.status]).toEqual([method, path, 404])
      expect(res.body.message).toBe(absent.body.message)
    }
    // Creating into it looks like creating into a folder that does not exist.
    const into = await as('POST', `/reports?folder=${H}`, reportBody(dash))
    const intoAbsent = await as('POST', '/reports?folder=nope', reportBody(dash))
    expect([into.status, into.body.message]).toEqual([400, intoAbsent.body.message])
    expect(await exists(hidden)).toBe(true)
  })

  it('gets 403 in folders it may list but not change, and the refusal is audited', async () => {
    expect(
      (
        await grant([
          { object: `rfolder:${F}`, actions: ALL },
          { object: `rfolder:${G}`, actions: ['list', 'get'] },
        ])
      ).status,
    ).toBe(200)
    const inG = ids.G[0]!
    expect((await as('GET', `/reports/${inG}`)).status).toBe(200)
    expect(listed((await as('GET', '/reports')).body)).toEqual([...ids.F, ...ids.G].sort())
    const put = await as('PUT', `/reports/${inG}`, reportBody(dash))
    expect(put.status).toBe(403)
    expect(put.body).toMatchObject({ code: 403, error: 'forbidden' })
    expect((await as('DELETE', `/reports/${inG}`)).status).toBe(403)
    expect((await as('PUT', `/reports/${inG}/trigger?wait=0`)).status).toBe(403)
    expect((await as('POST', `/reports?folder=${G}`, reportBody(dash))).status).toBe(403)
    expect(await exists(inG)).toBe(true)

    // Written although the update's transaction rolled back.
    const rows = await t.tdb.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.org, org), eq(auditLog.action, 'authz.denied')))
    const update = rows.find(
      (r) => r.target === `rfolder:${G}` && (r.details as { action: string }).action === 'update',
    )
    expect(update).toMatchObject({
      actor: expect.stringContaining('@herald.test'),
      details: { action: 'update', method: 'PUT', path: `/api/v2/${org}/reports/${inG}` },
    })
  })

  it('moves need update on the source and create on the destination', async () => {
    const fromF = ids.F[1]!
    const fromG = ids.G[1]!
    const move = (id: string, dst: string) =>
      as('PATCH', '/reports/move', { report_ids: [id], dst_folder_id: dst })
    expect((await move(fromF, G)).status).toBe(403)
    expect((await move(fromG, F)).status).toBe(403)
    expect((await move(fromF, H)).status).toBe(400)
    expect((await move(ids.H[1]!, F)).status).toBe(404)
    const viaPut = await as('PUT', `/reports/${fromF}?folder=${G}`, reportBody(dash))
    expect(viaPut.status).toBe(403)
    const [row] = await t.tdb.database.db.select().from(reports).where(eq(reports.id, fromF))
    expect(row!.folderId).toBe(F)
  })

  it('bulk delete removes only what it may, listing the refused with reasons', async () => {
    const [f, g, h] = [ids.F[0]!, ids.G[0]!, ids.H[0]!]
    const res = await as('DELETE', '/reports/bulk', { ids: [f, g, h] })
    expect(res.status).toBe(200)
    // A report it may not even list counts as unknown: "successful", and untouched.
    expect(res.body.successful.sort()).toEqual([f, h].sort())
    expect(res.body.unsuccessful).toEqual([g])
    expect(res.body.reasons).toEqual({ [g]: 'Forbidden' })
    expect(res.body.err).toEqual(expect.stringContaining('1 report(s) not deleted'))
    expect([await exists(f), await exists(g), await exists(h)]).toEqual([false, true, true])
  })

  it('loses access as soon as the grant is revoked', async () => {
    expect((await grant([])).status).toBe(200)
    expect((await as('GET', '/reports')).body).toEqual([])
    expect((await as('GET', `/reports/${ids.F[1]!}`)).status).toBe(404)
  })
})

describe('a runner token', () => {
  let t: TestApp
  let token: string
  let id: string
  const org = 'ci'

  beforeAll(async () => {
    t = await createTestApp()
    const dash = await makeDashboard(t, org)
    id = await makeReport(t, org, dash, 'default', { destinations: [] })
    const res = await t.request('POST', `/api/v2/${org}/tokens`, {
      body: { name: 'ci', roles: ['runner'] },
    })
    expect(res.status).toBe(200)
    token = `Bearer ${res.body.token}`
  })
  afterAll(() => t?.close())

  it('can trigger and read, but not edit', async () => {
    const as = (method: string, path: string, body?: unknown) =>
      t.request(method, `/api/v2/${org}/reports${path}`, { auth: token, body })
    const trigger = await as('PUT', `/${id}/trigger?wait=0`)
    expect(trigger.status).toBe(202)
    expect((await as('GET', `/${id}/runs/${trigger.body.run_id}`)).status).toBe(200)
    expect((await as('GET', `/${id}`)).status).toBe(200)
    expect((await as('PUT', `/${id}`, reportBody('x'))).status).toBe(403)
    expect((await as('PATCH', `/${id}/enable?value=false`)).status).toBe(403)
    expect((await as('DELETE', `/${id}`)).status).toBe(403)
    expect((await as('POST', '', reportBody('x'))).status).toBe(403)
    expect((await t.request('GET', `/api/v2/${org}/tokens`, { auth: token })).status).toBe(403)
  })

  it('is refused by the guard exactly where the policy says', () => {
    const roles = ['runner']
    expect(t.authz!.check(roles, org, 'rfolder:any', 'trigger')).toBe(true)
    expect(t.authz!.check(roles, org, 'rfolder:any', 'get')).toBe(true)
    expect(t.authz!.check(roles, org, 'rfolder:any', 'update')).toBe(false)
    expect(t.authz!.check(roles, org, 'org', 'create')).toBe(false)
    expect(t.authz!.check(roles, org, 'datasources', 'list')).toBe(false)
  })
})
