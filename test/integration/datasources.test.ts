import { parse } from 'csv-parse/sync'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { datasources } from '../../src/db/schema/index.ts'
import { ReportExecutor } from '../../src/runs/report-executor.ts'
import type { Worker } from '../../src/runs/worker.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { createReaderDatabase, postgresUrl } from '../helpers/db.ts'
import { dashboardBody, makeReport } from '../helpers/factories.ts'
import { runsOf, worker } from '../helpers/runs.ts'

const org = 'dsorg'
const TIMEOUT_MS = 1500
const PASSWORD = 's3cret-Pa55word'

describe('datasources', () => {
  let t: TestApp
  let w: Worker

  beforeAll(async () => {
    t = await createTestApp({ queryLimits: { timeoutMs: TIMEOUT_MS, maxRows: 100 } })
    const executor = new ReportExecutor({
      database: t.tdb.database,
      datasources: t.datasources,
      renderer: t.renderer,
      clock: t.clock,
      deliver: async () => ({ kind: 'sent', deliveries: [] }),
    })
    w = worker(t.tdb.database, t.clock, executor, { retryDelaysMs: [30_000] })
    await w.start()
  })
  /** The PostgreSQL datasource's own database (the section on a real PostgreSQL makes it). */
  let target: Awaited<ReturnType<typeof createReaderDatabase>> | undefined
  afterAll(async () => {
    await w?.stop(1000)
    await t?.close()
    await target?.drop()
  })

  const create = (body: unknown, auth?: string) =>
    t.request('POST', `/api/v2/${org}/datasources`, { body, auth })

  /** A dashboard with one table panel on `datasource`. */
  async function dashboardOn(datasource: string, query: string): Promise<string> {
    const body = dashboardBody({
      tabs: [
        {
          tabId: 'default',
          name: 'Main',
          panels: [
            {
              id: 'p1',
              type: 'table',
              title: 'Numbers',
              query: { datasource, sql: query },
              layout: { x: 0, y: 0, w: 24, h: 8 },
            },
          ],
        },
      ],
    })
    const res = await t.request('POST', `/api/v2/${org}/dashboards`, { body })
    expect(res.status, res.text).toBe(200)
    return res.body.id
  }

  it('lists the built-in sample datasource in every org', async () => {
    const res = await t.request('GET', `/api/v2/${org}/datasources`)
    expect(res.status).toBe(200)
    expect(res.body.list[0]).toEqual({
      datasourceId: 'sample',
      name: 'sample',
      kind: 'sample',
      url: null,
      options: {},
      builtin: true,
      createdAt: null,
      updatedAt: null,
    })
    expect((await t.request('GET', `/api/v2/${org}/datasources/sample`)).body.builtin).toBe(true)
    expect((await t.request('DELETE', `/api/v2/${org}/datasources/sample`)).status).toBe(400)
    expect((await create({ name: 'sample', kind: 'sample' })).status).toBe(409)
  })

  it('never returns the password, and stores the URL sealed', async () => {
    const url = `postgres://reporter:${PASSWORD}@db.example.com:5432/shop?sslmode=require`
    const res = await create({ name: 'shop', kind: 'postgres', url })
    expect(res.status, res.text).toBe(200)
    const id = res.body.id
    const one = await t.request('GET', `/api/v2/${org}/datasources/${id}`)
    expect(one.body).toMatchObject({
      datasourceId: id,
      name: 'shop',
      kind: 'postgres',
      url: 'postgres://reporter:*****@db.example.com:5432/shop?sslmode=require',
      builtin: false,
    })
    const list = await t.request('GET', `/api/v2/${org}/datasources`)
    for (const text of [one.text, list.text, res.text]) expect(text).not.toContain(PASSWORD)
    const [row] = await t.tdb.database.db.select().from(datasources).where(eq(datasources.id, id))
    expect(row?.secret).toMatch(/^v1\./)
    expect(row?.secret).not.toContain(PASSWORD)
    expect(row?.secret).not.toContain('reporter')

    // Without a url, an update keeps the stored one.
    const put = await t.request('PUT', `/api/v2/${org}/datasources/${id}`, {
      body: { name: 'shop', kind: 'postgres', options: { max_connections: 2 } },
    })
    expect(put.status, put.text).toBe(200)
    const after = await t.request('GET', `/api/v2/${org}/datasources/${id}`)
    expect(after.body.url).toBe(one.body.url)
    expect(after.body.options).toEqual({ max_connections: 2 })

    // A password given as a parameter is masked too.
    const param = await create({
      name: 'shop2',
      url: `postgresql://db.example.com/shop?user=r&password=${PASSWORD}`,
    })
    const shown = await t.request('GET', `/api/v2/${org}/datasources/${param.body.id}`)
    expect(shown.text).not.toContain(PASSWORD)
    expect(shown.body.url).toContain('password=*****')
  })

  it('validates input: names, kinds, URLs; duplicates are 409', async () => {
    const bad = await create({ name: 'bad name!', kind: 'postgres', url: 'mysql://x' })
    expect(bad.status).toBe(400)
    expect(bad.body.fields.map((f: { name: string }) => f.name).sort()).toEqual(['name', 'url'])
    const noUrl = await create({ name: 'nourl', kind: 'postgres' })
    expect(noUrl.status).toBe(400)
    expect(noUrl.body.fields[0].name).toBe('url')
    const sampleUrl = await create({ name: 'x', kind: 'sample', url: 'postgres://h/db' })
    expect(sampleUrl.status).toBe(400)
    await create({ name: 'dup', url: 'postgres://h/db' })
    expect((await create({ name: 'dup', url: 'postgres://h/db' })).status).toBe(409)
    expect((await t.request('GET', `/api/v2/${org}/datasources/nope`)).status).toBe(404)
    expect((await t.request('GET', `/api/v2/elsewhere/datasources/sample`)).status).toBe(200)
  })

  it('is for admins only', async () => {
    const editor = await t.member(org, ['editor'])
    expect((await t.request('GET', `/api/v2/${org}/datasources`, { auth: editor })).status).toBe(
      403,
    )
    expect((await create({ name: 'e', url: 'postgres://h/db' }, editor)).status).toBe(403)
    const res = await create({ name: 'admins-only', url: 'postgres://h/db' })
    const get = await t.request('GET', `/api/v2/${org}/datasources/${res.body.id}`, {
      auth: editor,
    })
    expect(get.status).toBe(404)
    const admin = await t.member(org, ['admin'])
    expect((await t.request('GET', `/api/v2/${org}/datasources`, { auth: admin })).status).toBe(200)
  })

  it('refuses to delete or rename a datasource a dashboard uses', async () => {
    const res = await create({ name: 'inuse', url: 'postgres://h/db' })
    const dash = await dashboardOn('inuse', 'SELECT 1')
    const del = await t.request('DELETE', `/api/v2/${org}/datasources/${res.body.id}`)
    expect(del.status).toBe(409)
    expect(del.body.message).toContain(dash)
    const rename = await t.request('PUT', `/api/v2/${org}/datasources/${res.body.id}`, {
      body: { name: 'renamed', url: 'postgres://h/db' },
    })
    expect(rename.status).toBe(409)
    expect((await t.request('DELETE', `/api/v2/${org}/dashboards/${dash}`)).status).toBe(200)
    expect((await t.request('DELETE', `/api/v2/${org}/datasources/${res.body.id}`)).status).toBe(
      200,
    )
    expect((await t.request('GET', `/api/v2/${org}/datasources/${res.body.id}`)).status).toBe(404)
  })

  it('a missing datasource fails the run at once, naming the panel', async () => {
    const dash = await dashboardOn('ghost', 'SELECT 1')
    const id = await makeReport(t, org, dash, 'default', { destinations: [], enabled: false })
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger`)
    expect(res.status).toBe(500)
    expect(res.body.message).toBe('Panel "Numbers": datasource "ghost" not found')
  })

  it('a refused connection is transient: preview 503, and the run is retried', async () => {
    const res = await create({ name: 'down', url: 'postgres://u:p@127.0.0.1:1/db' })
    expect(res.status).toBe(200)
    const test = await t.request('POST', `/api/v2/${org}/datasources/${res.body.id}/test`)
    expect(test.status).toBe(400)
    expect(test.body.message).toMatch(/ECONNREFUSED/)
    const dash = await dashboardOn('down', 'SELECT 1')
    const preview = await t.request('POST', `/api/v2/${org}/dashboards/${dash}/render`)
    expect(preview.status).toBe(503)
    expect(preview.body.message).toMatch(/^Panel "Numbers": .*ECONNREFUSED/)
    const id = await makeReport(t, org, dash, 'default', { destinations: [], enabled: false })
    const run = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=2`)
    expect(run.status).toBe(202)
    const [row] = await runsOf(t.tdb.database, id)
    expect(row).toMatchObject({ state: 'queued', attempt: 2 })
    expect(row?.error).toMatch(/ECONNREFUSED/)
  })

  describe.skipIf(!postgresUrl)('on a real PostgreSQL (DATABASE_URL)', () => {
    let created: Promise<string> | undefined
    /** A datasource on a database of its own, through a role that may only read, with a table. */
    const pgDatasource = () => {
      created ??= (async () => {
        target = await createReaderDatabase()
        await target.admin.unsafe('create table shop_orders (day date, amount numeric(10, 2))')
        await target.admin.unsafe(
          "insert into shop_orders values ('2026-11-01', 10.5), ('2026-11-02', 20), ('2026-11-02', 1.25)",
        )
        const res = await create({ name: 'herald-pg', kind: 'postgres', url: target.url })
        expect(res.status, res.text).toBe(200)
        return res.body.id as string
      })()
      return created
    }

    it('runs a panel query on a postgres datasource', async () => {
      const dsId = await pgDatasource()
      expect((await t.request('POST', `/api/v2/${org}/datasources/${dsId}/test`)).status).toBe(200)
      const dash = await dashboardOn(
        'herald-pg',
        'SELECT day::text AS day, sum(amount) AS total FROM shop_orders GROUP BY 1 ORDER BY 1',
      )
      const res = await t.app.request(`/api/v2/${org}/dashboards/${dash}/render?format=csv`, {
        method: 'POST',
        headers: { authorization: t.root },
      })
      expect(res.status).toBe(200)
      expect(parse(await res.text())).toEqual([
        ['day', 'total'],
        ['2026-11-01', '10.50'],
        ['2026-11-02', '21.25'],
      ])
      // And through a report run.
      const id = await makeReport(t, org, dash, 'default', { destinations: [], enabled: false })
      const run = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger`)
      expect(run.status, run.text).toBe(200)
    })

    it('cancels a slow query at the time limit and refuses writes', async () => {
      await pgDatasource()
      const slow = await dashboardOn('herald-pg', 'SELECT pg_sleep(20)')
      const started = performance.now()
      const res = await t.request('POST', `/api/v2/${org}/dashboards/${slow}/render`)
      expect(res.status).toBe(400)
      expect(res.body.message).toMatch(/did not finish within 1500 ms/)
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 3000)
      // Writes and smuggled statements never get saved (test/security covers run time).
      for (const write of [
        'DELETE FROM shop_orders',
        'SELECT 1; COMMIT; DELETE FROM shop_orders',
      ]) {
        const body = dashboardBody({
          tabs: [
            {
              tabId: 'default',
              name: 'Main',
              panels: [{ id: 'p1', type: 'table', query: { datasource: 'herald-pg', sql: write } }],
            },
          ],
        })
        const res = await t.request('POST', `/api/v2/${org}/dashboards`, { body })
        expect(res.status, res.text).toBe(400)
      }
      const rows = await target!.admin.unsafe('select count(*)::int as n from shop_orders')
      expect(rows[0]).toEqual({ n: 3 })
    })

    it('reconnects after the datasource changes', async () => {
      const dsId = await pgDatasource()
      const dash = await dashboardOn('herald-pg', 'SELECT 1 AS one')
      const render = () => t.request('POST', `/api/v2/${org}/dashboards/${dash}/render?format=csv`)
      expect((await render()).status).toBe(200)
      const broken = new URL(target!.url)
      broken.port = '1'
      await t.request('PUT', `/api/v2/${org}/datasources/${dsId}`, {
        body: { name: 'herald-pg', url: broken.toString() },
      })
      expect((await render()).status).toBe(503)
      await t.request('PUT', `/api/v2/${org}/datasources/${dsId}`, {
        body: { name: 'herald-pg', url: target!.url },
      })
      expect((await render()).status).toBe(200)
    })
  })
})
