import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reportRuns } from '../../src/db/schema/index.ts'
import { registeredOperations } from '../../src/http/openapi.ts'
import { createTestApp, PUBLIC_URL, type TestApp } from '../helpers/app.ts'
import { finishWithFailedRecipient, storeOutputs, TINY_PNG } from '../helpers/delivery.ts'
import { dashboardBody, makeFolder, makeReport, reportBody, unique } from '../helpers/factories.ts'

/**
 * Every endpoint × every kind of caller × {a folder the custom role was granted, one it was not}
 * → the status it must answer. One table; an endpoint registered with describe() but missing
 * here (or a row for an endpoint that no longer exists) fails the suite.
 */

const org = 'matrix'
const WHO = ['admin', 'editor', 'viewer', 'runner', 'custom', 'outsider', 'anon'] as const
type Who = (typeof WHO)[number]
/** One status for both folders, or [granted folder, other folder]. */
type Cell = number | [number, number]
type Expect = Record<Who, Cell>

interface Fixture {
  who: Who
  /** The report and dashboard folders of the column: granted to the custom role or not. */
  rf: string
  df: string
  granted: boolean
}
interface Call {
  path: string
  body?: unknown
}
interface Row {
  op: string
  expect: Expect
  call(f: Fixture): Promise<Call>
}

/** Callers inside the org; outsiders are refused by membership, anonymous callers by auth. */
const inOrg = (e: Omit<Expect, 'outsider' | 'anon'>): Expect => ({
  ...e,
  outsider: 403,
  anon: 401,
})
const anyMember = (status: Cell) =>
  inOrg({ admin: status, editor: status, viewer: status, runner: status, custom: status })
const adminOnly = (status = 200) =>
  inOrg({ admin: status, editor: 403, viewer: 403, runner: 403, custom: 403 })
/** Read in a folder: everyone who may list it; the custom role sees only its folder. */
const read = inOrg({ admin: 200, editor: 200, viewer: 200, runner: 200, custom: [200, 404] })
/** Change in a folder: admins, editors, and the custom role in its folder. */
const write = inOrg({ admin: 200, editor: 200, viewer: 403, runner: 403, custom: [200, 404] })
/** Create in a folder: a folder the actor may not list answers like an absent one (400). */
const create = inOrg({ admin: 200, editor: 200, viewer: 403, runner: 403, custom: [200, 400] })
/** v1 works in the `default` folder only, which the custom role was not granted. */
const v1Read = inOrg({ admin: 200, editor: 200, viewer: 200, runner: 200, custom: 404 })
const v1Write = inOrg({ admin: 200, editor: 200, viewer: 403, runner: 403, custom: 404 })
/** Datasources are for admins; to others a datasource does not exist (its list is refused). */
const datasource = (admin = 200) =>
  inOrg({ admin, editor: 404, viewer: 404, runner: 404, custom: 404 })

describe('authorization matrix', () => {
  let t: TestApp
  let dash: string
  const folders = { F: '', G: '', DF: '', DG: '' }
  const auth = {} as Record<Who, string | null>

  const must = async (method: string, path: string, body?: unknown) => {
    const res = await t.request(method, path, { body })
    if (res.status !== 200 && res.status !== 202) {
      throw new Error(`${method} ${path}: ${res.status} ${res.text}`)
    }
    return res.body
  }
  const mk = {
    report: (folder: string, name = unique('report')) =>
      makeReport(t, org, dash, folder, { name, destinations: [] }),
    dashboard: async (folder: string) =>
      (await must('POST', `/api/v2/${org}/dashboards?folder=${folder}`, dashboardBody())).id,
    run: async (reportId: string) =>
      (await must('PUT', `/api/v2/${org}/reports/${reportId}/trigger?wait=0`)).run_id,
    /** A run with one stored output (index 0). */
    output: async (reportId: string) => {
      const run = await mk.run(reportId)
      await storeOutputs(t.tdb.database, run, [
        { dashboard: 0, mediaType: 'image/png', filename: 'a.png', bytes: TINY_PNG },
      ])
      return run as string
    },
    token: async () =>
      (await must('POST', `/api/v2/${org}/tokens`, { name: unique('tok'), roles: ['runner'] })).id,
    member: async () => {
      const email = `${unique('member')}@herald.test`.toLowerCase()
      await must('POST', `/api/v2/${org}/users`, { email, password: 'password-123', roles: [] })
      return email
    },
    role: async () => {
      const name = unique('role')
      await must('POST', `/api/v2/${org}/roles`, { name })
      return name
    },
    datasource: async () =>
      (
        await must('POST', `/api/v2/${org}/datasources`, {
          name: unique('ds'),
          kind: 'postgres',
          // Nothing listens there: a connection test fails at once.
          url: 'postgres://u:p@127.0.0.1:1/none',
        })
      ).id as string,
  }
  const v2 = `/api/v2/${org}`
  const v1 = `/api/${org}`

  const rows: Row[] = [
    {
      op: 'GET /healthz',
      expect: { ...anyMember(200), outsider: 200, anon: 200 },
      call: async () => ({ path: '/healthz' }),
    },
    {
      op: 'GET /readyz',
      expect: { ...anyMember(200), outsider: 200, anon: 200 },
      call: async () => ({ path: '/readyz' }),
    },
    {
      op: 'GET /metrics',
      // Counts across every org: the root user (or the metrics token) only.
      expect: { ...anyMember(403), outsider: 403, anon: 401 },
      call: async () => ({ path: '/metrics' }),
    },
    {
      op: 'POST /api/v2/orgs',
      expect: { ...adminOnly(403), outsider: 403 },
      call: async () => ({ path: '/api/v2/orgs', body: { id: unique('org') } }),
    },
    {
      op: 'POST /api/v2/session',
      // Public: the body's credentials decide, never the caller's Authorization header.
      expect: { ...anyMember(401), outsider: 401, anon: 401 },
      call: async () => ({
        path: '/api/v2/session',
        body: { email: 'nobody@herald.test', password: 'wrong-password' },
      }),
    },
    {
      op: 'DELETE /api/v2/session',
      // Without a session cookie there is nothing to end.
      expect: { ...anyMember(200), outsider: 200, anon: 200 },
      call: async () => ({ path: '/api/v2/session' }),
    },
    {
      op: 'GET /api/v2/me',
      expect: { ...anyMember(200), outsider: 200 },
      call: async () => ({ path: '/api/v2/me' }),
    },

    // Reports v2
    {
      op: 'GET /api/v2/:org/reports',
      expect: anyMember(200),
      call: async (f) => ({ path: `${v2}/reports?folder=${f.rf}` }),
    },
    {
      op: 'POST /api/v2/:org/reports',
      expect: create,
      call: async (f) => ({
        path: `${v2}/reports?folder=${f.rf}`,
        body: reportBody(dash, { name: unique('r') }),
      }),
    },
    {
      op: 'GET /api/v2/:org/reports/:id',
      expect: read,
      call: async (f) => ({ path: `${v2}/reports/${await mk.report(f.rf)}` }),
    },
    {
      op: 'PUT /api/v2/:org/reports/:id',
      expect: write,
      call: async (f) => ({
        path: `${v2}/reports/${await mk.report(f.rf)}`,
        body: reportBody(dash, { name: unique('r') }),
      }),
    },
    {
      op: 'DELETE /api/v2/:org/reports/:id',
      expect: write,
      call: async (f) => ({ path: `${v2}/reports/${await mk.report(f.rf)}` }),
    },
    {
      // Never all-or-nothing: refusals are listed in the body (see authz-folders.test.ts).
      op: 'DELETE /api/v2/:org/reports/bulk',
      expect: anyMember(200),
      call: async (f) => ({ path: `${v2}/reports/bulk`, body: { ids: [await mk.report(f.rf)] } }),
    },
    {
      // The destination is checked first: one the custom role may not list is "not found" (400).
      op: 'PATCH /api/v2/:org/reports/move',
      expect: { ...write, custom: [200, 400] },
      call: async (f) => ({
        path: `${v2}/reports/move`,
        body: { report_ids: [await mk.report(f.rf)], dst_folder_id: f.rf },
      }),
    },
    {
      op: 'PATCH /api/v2/:org/reports/:id/enable',
      expect: write,
      call: async (f) => ({ path: `${v2}/reports/${await mk.report(f.rf)}/enable?value=false` }),
    },
    {
      op: 'POST /api/v2/:org/reports/schedule/preview',
      expect: anyMember(200),
      call: async () => ({
        path: `${v2}/reports/schedule/preview`,
        body: { frequency: { type: 'days', interval: 1 }, timezone: 'UTC', count: 2 },
      }),
    },
    {
      op: 'PUT /api/v2/:org/reports/:id/trigger',
      expect: inOrg({ admin: 202, editor: 202, viewer: 403, runner: 202, custom: [202, 404] }),
      call: async (f) => ({ path: `${v2}/reports/${await mk.report(f.rf)}/trigger?wait=0` }),
    },
    {
      op: 'GET /api/v2/:org/reports/:id/runs',
      expect: read,
      call: async (f) => ({ path: `${v2}/reports/${await mk.report(f.rf)}/runs` }),
    },
    {
      op: 'GET /api/v2/:org/reports/:id/runs/:runId',
      expect: read,
      call: async (f) => {
        const id = await mk.report(f.rf)
        return { path: `${v2}/reports/${id}/runs/${await mk.run(id)}` }
      },
    },
    {
      op: 'POST /api/v2/:org/reports/:id/runs/:runId/retry',
      expect: inOrg({ admin: 200, editor: 200, viewer: 403, runner: 200, custom: [200, 404] }),
      call: async (f) => {
        const id = await mk.report(f.rf)
        const run = await mk.run(id)
        await finishWithFailedRecipient(t.tdb.database, run)
        return { path: `${v2}/reports/${id}/runs/${run}/retry` }
      },
    },
    {
      op: 'GET /api/v2/:org/reports/:id/runs/:runId/outputs/:n',
      expect: read,
      call: async (f) => {
        const id = await mk.report(f.rf)
        const run = await mk.output(id)
        return { path: `${v2}/reports/${id}/runs/${run}/outputs/0` }
      },
    },
    {
      // The signature is the credential: anyone holding the link gets the file, no login.
      op: 'GET /dl/:org/:runId/:n',
      expect: { ...anyMember(200), outsider: 200, anon: 200 },
      call: async (f) => {
        const run = await mk.output(await mk.report(f.rf))
        const url = t.links.url(PUBLIC_URL, { org, runId: run, index: 0 }, Date.now() + 60_000)
        return { path: url.slice(PUBLIC_URL.length) }
      },
    },
    {
      // The run's page from an email: the signature is the credential, as for its files.
      op: 'GET /dl/:org/:runId',
      expect: { ...anyMember(200), outsider: 200, anon: 200 },
      call: async (f) => {
        const run = await mk.output(await mk.report(f.rf))
        const url = t.links.runUrl(PUBLIC_URL, { org, runId: run }, Date.now() + 60_000)
        return { path: url.slice(PUBLIC_URL.length) }
      },
    },
    {
      // Mode's create run: a trigger with parameters.
      op: 'POST /api/v2/:org/reports/:id/runs',
      expect: inOrg({ admin: 202, editor: 202, viewer: 403, runner: 202, custom: [202, 404] }),
      call: async (f) => ({
        path: `${v2}/reports/${await mk.report(f.rf)}/runs`,
        body: { parameters: { country: 'IN' } },
      }),
    },
    {
      op: 'POST /api/v2/:org/reports/:id/runs/:runId/clone',
      expect: inOrg({ admin: 202, editor: 202, viewer: 403, runner: 202, custom: [202, 404] }),
      call: async (f) => {
        const id = await mk.report(f.rf)
        return { path: `${v2}/reports/${id}/runs/${await mk.run(id)}/clone` }
      },
    },
    {
      // Seed 003's generate: a trigger answered as a document.
      op: 'POST /api/v2/:org/reports/:id/generate',
      expect: inOrg({ admin: 202, editor: 202, viewer: 403, runner: 202, custom: [202, 404] }),
      call: async (f) => ({ path: `${v2}/reports/${await mk.report(f.rf)}/generate` }),
    },
    {
      op: 'GET /api/v2/:org/documents/:id',
      expect: read,
      call: async (f) => ({ path: `${v2}/documents/${await mk.run(await mk.report(f.rf))}` }),
    },
    {
      // Queued, so nothing to download yet (409) for whoever may read the report.
      op: 'GET /api/v2/:org/documents/:id/download',
      expect: inOrg({ admin: 409, editor: 409, viewer: 409, runner: 409, custom: [409, 404] }),
      call: async (f) => ({
        path: `${v2}/documents/${await mk.run(await mk.report(f.rf))}/download`,
      }),
    },
    {
      // A run as a job: read access to its report.
      op: 'GET /api/v2/:org/jobs/:runId',
      expect: read,
      call: async (f) => ({ path: `${v2}/jobs/${await mk.run(await mk.report(f.rf))}` }),
    },
    {
      // Queued, so no files yet (409) for whoever may read the report.
      op: 'GET /api/v2/:org/jobs/:runId/files',
      expect: inOrg({ admin: 409, editor: 409, viewer: 409, runner: 409, custom: [409, 404] }),
      call: async (f) => ({ path: `${v2}/jobs/${await mk.run(await mk.report(f.rf))}/files` }),
    },
    {
      op: 'POST /api/v2/:org/reports/:id/runs/:runId/cancel',
      expect: inOrg({ admin: 200, editor: 200, viewer: 403, runner: 200, custom: [200, 404] }),
      call: async (f) => {
        const id = await mk.report(f.rf)
        return { path: `${v2}/reports/${id}/runs/${await mk.run(id)}/cancel` }
      },
    },

    {
      // The latest output of a cached report: a succeeded run with outputs.
      op: 'GET /api/v2/:org/reports/:id/output',
      expect: read,
      call: async (f) => {
        const id = await mk.report(f.rf)
        const run = await mk.output(id)
        await t.tdb.database.db
          .update(reportRuns)
          .set({ state: 'succeeded', finishedAt: new Date(t.clock.now()) })
          .where(eq(reportRuns.id, run))
        return { path: `${v2}/reports/${id}/output` }
      },
    },

    {
      // Seed 000: runs the data panels now; a read (`get`), so viewers may.
      op: 'POST /api/v1/:org/reports/:id/run',
      expect: read,
      call: async (f) => ({
        path: `/api/v1/${org}/reports/${await mk.report(f.rf)}/run`,
        body: {},
      }),
    },

    // Reports v1: the `default` folder whatever the column.
    {
      op: 'GET /api/:org/reports',
      expect: anyMember(200),
      call: async () => ({ path: `${v1}/reports` }),
    },
    {
      op: 'POST /api/:org/reports',
      expect: { ...v1Write, custom: 400 },
      call: async () => ({ path: `${v1}/reports`, body: reportBody(dash, { name: unique('r') }) }),
    },
    {
      op: 'GET /api/:org/reports/:name',
      expect: v1Read,
      call: async () => ({ path: `${v1}/reports/${await v1Report()}` }),
    },
    {
      op: 'PUT /api/:org/reports/:name',
      expect: v1Write,
      call: async () => ({ path: `${v1}/reports/${await v1Report()}`, body: reportBody(dash) }),
    },
    {
      op: 'DELETE /api/:org/reports/:name',
      expect: v1Write,
      call: async () => ({ path: `${v1}/reports/${await v1Report()}` }),
    },
    {
      op: 'DELETE /api/:org/reports/bulk',
      expect: anyMember(200),
      call: async () => ({ path: `${v1}/reports/bulk`, body: { ids: [await v1Report()] } }),
    },
    {
      op: 'PUT /api/:org/reports/:name/enable',
      expect: v1Write,
      call: async () => ({ path: `${v1}/reports/${await v1Report()}/enable?value=false` }),
    },
    {
      op: 'PUT /api/:org/reports/:name/trigger',
      expect: inOrg({ admin: 202, editor: 202, viewer: 403, runner: 202, custom: 404 }),
      call: async () => ({ path: `${v1}/reports/${await v1Report()}/trigger?wait=0` }),
    },

    // Folders (report folders; dashboard folders follow the same code with dfolder objects).
    {
      op: 'GET /api/v2/:org/folders/:type',
      expect: anyMember(200),
      call: async () => ({ path: `${v2}/folders/reports` }),
    },
    {
      op: 'POST /api/v2/:org/folders/:type',
      expect: adminOnly(),
      call: async () => ({ path: `${v2}/folders/reports`, body: { name: unique('folder') } }),
    },
    {
      op: 'GET /api/v2/:org/folders/:type/:folderId',
      expect: read,
      call: async (f) => ({ path: `${v2}/folders/reports/${f.rf}` }),
    },
    {
      op: 'GET /api/v2/:org/folders/:type/name/:name',
      expect: read,
      call: async (f) => ({ path: `${v2}/folders/reports/name/${await folderName(f.rf)}` }),
    },
    {
      op: 'PUT /api/v2/:org/folders/:type/:folderId',
      expect: inOrg({ admin: 200, editor: 403, viewer: 403, runner: 403, custom: [403, 404] }),
      call: async (f) => ({
        path: `${v2}/folders/reports/${f.rf}`,
        body: { name: unique('renamed') },
      }),
    },
    {
      op: 'DELETE /api/v2/:org/folders/:type/:folderId',
      expect: inOrg({ admin: 200, editor: 403, viewer: 403, runner: 403, custom: [403, 404] }),
      // An empty folder, except for the custom role's own (it cannot delete it anyway).
      call: async (f) => ({
        path: `${v2}/folders/reports/${f.who === 'custom' && f.granted ? f.rf : await makeFolder(t, org)}`,
      }),
    },

    // Dashboards
    {
      op: 'GET /api/v2/:org/dashboards',
      expect: anyMember(200),
      call: async (f) => ({ path: `${v2}/dashboards?folder=${f.df}` }),
    },
    {
      op: 'POST /api/v2/:org/dashboards',
      expect: create,
      call: async (f) => ({ path: `${v2}/dashboards?folder=${f.df}`, body: dashboardBody() }),
    },
    {
      op: 'GET /api/v2/:org/dashboards/:id',
      expect: read,
      call: async (f) => ({ path: `${v2}/dashboards/${await mk.dashboard(f.df)}` }),
    },
    {
      op: 'PUT /api/v2/:org/dashboards/:id',
      expect: write,
      call: async (f) => ({
        path: `${v2}/dashboards/${await mk.dashboard(f.df)}`,
        body: dashboardBody(),
      }),
    },
    {
      op: 'DELETE /api/v2/:org/dashboards/:id',
      expect: write,
      call: async (f) => ({ path: `${v2}/dashboards/${await mk.dashboard(f.df)}` }),
    },

    {
      op: 'POST /api/v2/:org/dashboards/:id/render',
      expect: read,
      call: async (f) => ({
        path: `${v2}/dashboards/${await mk.dashboard(f.df)}/render?format=csv&panel=p1`,
      }),
    },

    // Datasources (object `datasources`): admins only.
    {
      op: 'GET /api/v2/:org/datasources',
      expect: adminOnly(),
      call: async () => ({ path: `${v2}/datasources` }),
    },
    {
      op: 'POST /api/v2/:org/datasources',
      expect: adminOnly(),
      call: async () => ({
        path: `${v2}/datasources`,
        body: { name: unique('ds'), kind: 'postgres', url: 'postgres://u:p@127.0.0.1:1/x' },
      }),
    },
    {
      op: 'GET /api/v2/:org/datasources/:id',
      expect: datasource(),
      call: async () => ({ path: `${v2}/datasources/${await mk.datasource()}` }),
    },
    {
      op: 'PUT /api/v2/:org/datasources/:id',
      expect: datasource(),
      call: async () => ({
        path: `${v2}/datasources/${await mk.datasource()}`,
        body: { name: unique('ds'), kind: 'postgres' },
      }),
    },
    {
      op: 'DELETE /api/v2/:org/datasources/:id',
      expect: datasource(),
      call: async () => ({ path: `${v2}/datasources/${await mk.datasource()}` }),
    },
    {
      // Past authorization, the admin's test fails on the unreachable URL (400).
      op: 'POST /api/v2/:org/datasources/:id/test',
      expect: datasource(400),
      call: async () => ({ path: `${v2}/datasources/${await mk.datasource()}/test` }),
    },

    // Admin: tokens, users, roles
    {
      op: 'GET /api/v2/:org/tokens',
      expect: adminOnly(),
      call: async () => ({ path: `${v2}/tokens` }),
    },
    {
      op: 'POST /api/v2/:org/tokens',
      expect: adminOnly(),
      call: async () => ({
        path: `${v2}/tokens`,
        body: { name: unique('tok'), roles: ['runner'] },
      }),
    },
    {
      op: 'DELETE /api/v2/:org/tokens/:id',
      expect: adminOnly(),
      call: async () => ({ path: `${v2}/tokens/${await mk.token()}` }),
    },
    {
      op: 'GET /api/v2/:org/users',
      expect: adminOnly(),
      call: async () => ({ path: `${v2}/users` }),
    },
    {
      op: 'POST /api/v2/:org/users',
      expect: adminOnly(),
      call: async () => ({
        path: `${v2}/users`,
        body: { email: `${unique('u')}@herald.test`, password: 'password-123', roles: ['viewer'] },
      }),
    },
    {
      op: 'PUT /api/v2/:org/users/:email',
      expect: adminOnly(),
      call: async () => ({ path: `${v2}/users/${await mk.member()}`, body: { roles: ['viewer'] } }),
    },
    {
      op: 'DELETE /api/v2/:org/users/:email',
      expect: adminOnly(),
      call: async () => ({ path: `${v2}/users/${await mk.member()}` }),
    },
    {
      op: 'GET /api/v2/:org/roles',
      expect: adminOnly(),
      call: async () => ({ path: `${v2}/roles` }),
    },
    {
      op: 'POST /api/v2/:org/roles',
      expect: adminOnly(),
      call: async () => ({ path: `${v2}/roles`, body: { name: unique('role') } }),
    },
    {
      op: 'PUT /api/v2/:org/roles/:role',
      expect: adminOnly(),
      call: async () => ({
        path: `${v2}/roles/${await mk.role()}`,
        body: { inherits: ['viewer'] },
      }),
    },
    {
      op: 'DELETE /api/v2/:org/roles/:role',
      expect: adminOnly(),
      call: async () => ({ path: `${v2}/roles/${await mk.role()}` }),
    },
    {
      op: 'GET /api/v2/:org/roles/:role/permissions',
      expect: adminOnly(),
      call: async () => ({ path: `${v2}/roles/team/permissions` }),
    },
    {
      op: 'PUT /api/v2/:org/roles/:role/permissions',
      expect: adminOnly(),
      call: async (f) => ({
        path: `${v2}/roles/${await mk.role()}/permissions`,
        body: [{ object: `rfolder:${f.rf}`, actions: ['list'] }],
      }),
    },
  ]

  async function v1Report(): Promise<string> {
    const name = unique('v1')
    await mk.report('default', name)
    return name
  }
  async function folderName(id: string): Promise<string> {
    return (await must('GET', `/api/v2/${org}/folders/reports/${id}`)).name
  }

  beforeAll(async () => {
    t = await createTestApp()
    await must('POST', '/api/v2/orgs', { id: org })
    await must('POST', '/api/v2/orgs', { id: 'elsewhere' })
    folders.F = await makeFolder(t, org)
    folders.G = await makeFolder(t, org)
    folders.DF = (await must('POST', `/api/v2/${org}/folders/dashboards`, { name: 'DF' })).folderId
    folders.DG = (await must('POST', `/api/v2/${org}/folders/dashboards`, { name: 'DG' })).folderId
    dash = await mk.dashboard(folders.DF)

    await must('POST', `/api/v2/${org}/roles`, { name: 'team' })
    await must('PUT', `/api/v2/${org}/roles/team/permissions`, [
      {
        object: `rfolder:${folders.F}`,
        actions: ['list', 'get', 'create', 'update', 'delete', 'trigger'],
      },
      { object: `dfolder:${folders.DF}`, actions: ['list', 'get', 'create', 'update', 'delete'] },
    ])
    auth.admin = await t.member(org, ['admin'])
    auth.editor = await t.member(org, ['editor'])
    auth.viewer = await t.member(org, ['viewer'])
    auth.custom = await t.member(org, ['team'])
    auth.runner = `Bearer ${(await must('POST', `/api/v2/${org}/tokens`, { name: 'ci', roles: ['runner'] })).token}`
    auth.outsider = await t.member('elsewhere', ['admin'])
    auth.anon = null
  })
  afterAll(() => t?.close())

  it('has exactly one row per registered operation', () => {
    const registered = registeredOperations().map((o) => `${o.method.toUpperCase()} ${o.path}`)
    const covered = rows.map((r) => r.op)
    expect(registered.filter((op) => !covered.includes(op))).toEqual([])
    expect(covered.filter((op) => !registered.includes(op))).toEqual([])
    expect(new Set(covered).size).toBe(covered.length)
  })

  it.each(rows.map((r) => [r.op, r] as const))('%s', async (_op, row) => {
    const method = row.op.slice(0, row.op.indexOf(' '))
    const got: string[] = []
    const want: string[] = []
    const details: string[] = []
    for (const who of WHO) {
      for (const granted of [true, false]) {
        const fixture: Fixture = {
          who,
          granted,
          rf: granted ? folders.F : folders.G,
          df: granted ? folders.DF : folders.DG,
        }
        const call = await row.call(fixture)
        const res = await t.request(method, call.path, { body: call.body, auth: auth[who] })
        const cell = row.expect[who]
        const expected = Array.isArray(cell) ? cell[granted ? 0 : 1] : cell
        const label = `${who} ${granted ? 'granted' : 'other'}`
        got.push(`${label}: ${res.status}`)
        want.push(`${label}: ${expected}`)
        if (res.status !== expected) details.push(`${label}: ${res.text.slice(0, 200)}`)
      }
    }
    expect(got, details.join('\n')).toEqual(want)
  })
})
