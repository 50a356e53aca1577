import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { createReaderDatabase, postgresUrl } from '../helpers/db.ts'
import { dashboardBody } from '../helpers/factories.ts'

const org = 'evil'

/**
 * Finding 1 of issue 15: an org admin pointed a datasource at Herald's own database and read
 * every user's password hash with a table panel. Finding 2: a superuser role runs programs.
 */
describe.skipIf(!postgresUrl)('datasource guard (PostgreSQL: needs DATABASE_URL)', () => {
  let t: TestApp
  let target: Awaited<ReturnType<typeof createReaderDatabase>>
  let admin: string

  beforeAll(async () => {
    t = await createTestApp()
    target = await createReaderDatabase()
    await t.request('POST', '/api/v2/orgs', { body: { id: org } })
    admin = await t.member(org, ['admin'])
  })
  afterAll(async () => {
    await t.close()
    await target.drop()
  })

  const datasource = async (name: string, url: string) => {
    const res = await t.request('POST', `/api/v2/${org}/datasources`, {
      body: { name, kind: 'postgres', url },
      auth: admin,
    })
    expect(res.status, res.text).toBe(200)
    return res.body.id as string
  }
  const render = async (ds: string, sql: string) => {
    const body = dashboardBody({
      tabs: [
        {
          tabId: 'default',
          name: 'Main',
          panels: [{ id: 'p1', type: 'table', title: 'Loot', query: { datasource: ds, sql } }],
        },
      ],
    })
    const dash = await t.request('POST', `/api/v2/${org}/dashboards`, { body, auth: admin })
    expect(dash.status, dash.text).toBe(200)
    return t.request('POST', `/api/v2/${org}/dashboards/${dash.body.id}/render?format=csv`, {
      auth: admin,
    })
  }

  it("refuses Herald's own database: no password hash ever comes back", async () => {
    const id = await datasource('own', t.tdb.url!)
    const res = await render('own', 'select email, password_hash from users')
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ code: 400, error: 'bad_request' })
    expect(res.body.message).toMatch(/Herald database/)
    expect(res.text).not.toMatch(/scrypt|\$/)
    const test = await t.request('POST', `/api/v2/${org}/datasources/${id}/test`, { auth: admin })
    expect(test.status).toBe(400)
    expect(test.body.message).toMatch(/Herald database/)
  })

  it('refuses a superuser role, naming it, and accepts a read-only role', async () => {
    await datasource('super', target.superuserUrl)
    const res = await render('super', 'select 1 as one')
    expect(res.status).toBe(400)
    expect(res.body.message).toMatch(/is a superuser; give Herald a read-only role/)
    await datasource('reader', target.url)
    const ok = await render('reader', 'select 1 as one')
    expect(ok.status, ok.text).toBe(200)
  })

  it('refuses a role that may read server files', async () => {
    const role = `herald_files_${Date.now()}`
    await target.admin.unsafe(
      `create role ${role} login password 'x1' in role pg_read_server_files`,
    )
    try {
      const u = new URL(target.superuserUrl)
      u.username = role
      u.password = 'x1'
      await datasource('files', u.toString())
      const res = await render('files', 'select 1 as one')
      expect(res.status).toBe(400)
      expect(res.body.message).toMatch(/member of pg_read_server_files/)
    } finally {
      await target.admin.unsafe(`drop role if exists ${role}`).catch(() => {})
    }
  })
})
