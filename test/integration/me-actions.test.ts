import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { makeDashboard, makeFolder, makeReport, reportBody } from '../helpers/factories.ts'

/**
 * GET /api/v2/me tells the UI what each caller may do, per folder and per admin area; every
 * listed action must be one the routes then allow, and every missing one refused.
 */
describe('GET /api/v2/me: allowed actions', () => {
  let t: TestApp
  let dash: string
  let F: string
  let G: string
  const report: Record<string, string> = {}
  const org = 'meacl'
  const other = 'meacl2'
  const users: Record<string, string> = {}
  const ALL = ['list', 'get', 'create', 'update', 'delete', 'trigger']

  type FolderAccess = { folder_id: string; name: string; actions: string[] }
  type OrgAccess = {
    org: string
    roles: string[]
    admin: Record<string, string[]>
    folders: FolderAccess[]
    dashboard_folders: FolderAccess[]
  }
  const me = async (auth: string, query = '') => {
    const res = await t.request('GET', `/api/v2/me${query}`, { auth })
    expect(res.status).toBe(200)
    return res.body as { email: string; kind: string; root: boolean; orgs: OrgAccess[] }
  }
  const inOrg = async (auth: string, id = org) => {
    const found = (await me(auth)).orgs.find((o) => o.org === id)
    if (!found) throw new Error(`not in ${id}`)
    return found
  }
  const actionsIn = (o: OrgAccess) =>
    Object.fromEntries(o.folders.map((f) => [f.folder_id, f.actions]))

  beforeAll(async () => {
    t = await createTestApp()
    dash = await makeDashboard(t, org)
    F = await makeFolder(t, org, 'F')
    G = await makeFolder(t, org, 'G')
    report.F = await makeReport(t, org, dash, F)
    report.G = await makeReport(t, org, dash, G)
    report.default = await makeReport(t, org, dash, 'default')
    await makeFolder(t, other, 'Elsewhere')
    expect(
      (await t.request('POST', `/api/v2/${org}/roles`, { body: { name: 'team' } })).status,
    ).toBe(200)
    const grant = await t.request('PUT', `/api/v2/${org}/roles/team/permissions`, {
      body: [{ object: `rfolder:${F}`, actions: ['list', 'get', 'update'] }],
    })
    expect(grant.status).toBe(200)
    for (const role of ['viewer', 'runner', 'editor', 'admin', 'team']) {
      users[role] = await t.member(org, [role])
    }
  })
  afterAll(() => t?.close())

  it('a viewer may list and get in every folder and administer nothing', async () => {
    const o = await inOrg(users.viewer!)
    expect(o.roles).toEqual(['viewer'])
    expect(o.folders.map((f) => f.folder_id)).toEqual(['default', F, G])
    expect(o.folders.map((f) => f.name)).toEqual([expect.any(String), 'F', 'G'])
    for (const f of o.folders) expect(f.actions).toEqual(['list', 'get'])
    expect(o.dashboard_folders.map((f) => f.folder_id)).toEqual(['default'])
    expect(o.admin).toEqual({ members: [], roles: [], tokens: [], folders: [], datasources: [] })
  })

  it('a runner may also trigger, and an editor do everything inside folders', async () => {
    for (const f of (await inOrg(users.runner!)).folders) {
      expect(f.actions).toEqual(['list', 'get', 'trigger'])
    }
    const editor = await inOrg(users.editor!)
    for (const f of editor.folders) expect(f.actions).toEqual(ALL)
    for (const f of editor.dashboard_folders) expect(f.actions).toEqual(ALL)
    expect(editor.admin.members).toEqual([])
    expect(editor.admin.datasources).toEqual([])
  })

  it('an org admin may administer every area', async () => {
    const o = await inOrg(users.admin!)
    for (const f of o.folders) expect(f.actions).toEqual(ALL)
    expect(o.admin).toEqual({
      members: ALL,
      roles: ALL,
      tokens: ALL,
      folders: ALL,
      datasources: ALL,
    })
  })

  it('a custom role sees only the folders it was granted, with exactly the granted actions', async () => {
    const o = await inOrg(users.team!)
    expect(o.folders).toEqual([{ folder_id: F, name: 'F', actions: ['list', 'get', 'update'] }])
    expect(o.dashboard_folders).toEqual([])
  })

  it('what /me allows the routes allow, and what it leaves out they refuse', async () => {
    for (const [role, auth] of Object.entries(users)) {
      const o = await inOrg(auth)
      const allowed = actionsIn(o)
      for (const [folder, id] of [
        ['default', report.default!],
        [F, report.F!],
        [G, report.G!],
      ] as const) {
        const acts = allowed[folder] ?? []
        const get = await t.request('GET', `/api/v2/${org}/reports/${id}`, { auth })
        expect([role, folder, 'get', get.status]).toEqual([
          role,
          folder,
          'get',
          acts.includes('get') ? 200 : 404,
        ])
        if (!acts.includes('list')) continue
        const trigger = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=0`, {
          auth,
        })
        expect([role, folder, 'trigger', trigger.status === 403]).toEqual([
          role,
          folder,
          'trigger',
          !acts.includes('trigger'),
        ])
        const create = await t.request('POST', `/api/v2/${org}/reports?folder=${folder}`, {
          auth,
          body: reportBody(dash),
        })
        expect([role, folder, 'create', create.status]).toEqual([
          role,
          folder,
          'create',
          acts.includes('create') ? 200 : 403,
        ])
      }
      const tokens = await t.request('GET', `/api/v2/${org}/tokens`, { auth })
      expect([role, 'tokens', tokens.status]).toEqual([
        role,
        'tokens',
        o.admin.tokens!.includes('list') ? 200 : 403,
      ])
      const members = await t.request('GET', `/api/v2/${org}/users`, { auth })
      expect([role, 'members', members.status]).toEqual([
        role,
        'members',
        o.admin.members!.includes('list') ? 200 : 403,
      ])
      const folder = await t.request('POST', `/api/v2/${org}/folders/reports`, {
        auth,
        body: { name: `by-${role}`, description: '' },
      })
      expect([role, 'folders', folder.status]).toEqual([
        role,
        'folders',
        o.admin.folders!.includes('create') ? 200 : 403,
      ])
      const sources = await t.request('GET', `/api/v2/${org}/datasources`, { auth })
      expect([role, 'datasources', sources.status]).toEqual([
        role,
        'datasources',
        o.admin.datasources!.includes('list') ? 200 : 403,
      ])
    }
  })

  it('lists every org of a member of several, and ?org= narrows to one', async () => {
    const both = await t.member(org, ['viewer'])
    const email = (await me(both)).email
    const add = await t.request('POST', `/api/v2/${other}/users`, {
      body: { email, roles: ['editor'] },
    })
    expect(add.status).toBe(200)
    const all = await me(both)
    expect(all.orgs.map((o) => o.org).sort()).toEqual([org, other])
    const there = all.orgs.find((o) => o.org === other)!
    expect(there.folders.map((f) => f.name).sort()).toEqual(['Elsewhere', expect.any(String)])
    for (const f of there.folders) expect(f.actions).toEqual(ALL)
    const only = await me(both, `?org=${other}`)
    expect(only.orgs.map((o) => o.org)).toEqual([other])
    expect((await me(both, '?org=nowhere')).orgs).toEqual([])
    expect((await t.request('GET', '/api/v2/me?org=bad%20id', { auth: both })).status).toBe(400)
  })

  it('a token answers with its own roles in its one org', async () => {
    const made = await t.request('POST', `/api/v2/${org}/tokens`, {
      auth: users.admin,
      body: { name: 'ci', roles: ['runner'] },
    })
    expect(made.status).toBe(200)
    const body = await me(`Bearer ${made.body.token}`)
    expect(body.kind).toBe('token')
    expect(body.orgs).toHaveLength(1)
    expect(body.orgs[0]).toMatchObject({ org, roles: ['runner'] })
    for (const f of body.orgs[0]!.folders) expect(f.actions).toEqual(['list', 'get', 'trigger'])
    expect(body.orgs[0]!.admin.tokens).toEqual([])
  })

  it('the root user administers every org', async () => {
    const body = await me(t.root)
    expect(body.root).toBe(true)
    const o = body.orgs.find((x) => x.org === org)!
    expect(o.admin.datasources).toEqual(ALL)
    expect(o.folders.length).toBeGreaterThanOrEqual(3)
  })
})

describe('GET /api/v2/me with HERALD_DATASOURCE_ADMINS=root', () => {
  let t: TestApp
  afterAll(() => t?.close())

  it('org admins may use datasources but not create, change or delete them; root may', async () => {
    t = await createTestApp({ datasourceAdmins: 'root' })
    const admin = await t.member('dsroot', ['admin'])
    const o = (await t.request('GET', '/api/v2/me', { auth: admin })).body.orgs[0]
    expect(o.admin.datasources).toEqual(['list', 'get', 'trigger'])
    expect(o.admin.members).toContain('create')
    // The route agrees: creating is refused although the admin role allows it elsewhere.
    const create = await t.request('POST', '/api/v2/dsroot/datasources', {
      auth: admin,
      body: { name: 'x', kind: 'postgres', url: 'postgres://u:p@db.example:5432/x' },
    })
    expect(create.status).toBe(403)
    const root = (await t.request('GET', '/api/v2/me?org=dsroot')).body.orgs[0]
    expect(root.admin.datasources).toContain('create')
  })
})
