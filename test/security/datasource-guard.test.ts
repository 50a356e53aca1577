import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { datasources } from '../../src/db/schema/index.ts'
import { newId } from '../../src/lib/ids.ts'
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
  /** Saving refuses the URL (field error on url); returns the reason. */
  const refusedAtSave = async (name: string, url: string) => {
    const res = await t.request('POST', `/api/v2/${org}/datasources`, {
      body: { name, kind: 'postgres', url },
      auth: admin,
    })
    expect(res.status, res.text).toBe(400)
    expect(res.body).toMatchObject({ code: 400, error: 'validation_failed' })
    expect(res.body.fields[0].name).toBe('url')
    return res.body.fields[0].description as string
  }
  /** A row stored as if before the save-time check: the connect-time check must hold alone. */
  const stored = async (name: string, url: string) => {
    const id = newId()
    const now = new Date()
    await t.tdb.database.db.insert(datasources).values({
      id,
      org,
      name,
      kind: 'postgres',
      secret: t.datasources.secrets.seal(url, id),
      options: {},
      createdBy: 'root@herald.test',
      createdAt: now,
      updatedAt: now,
    })
    return id
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
    expect(await refusedAtSave('own', t.tdb.url!)).toMatch(/Herald's own database/)
    const id = await stored('own', t.tdb.url!)
    const res = await render('own', 'select email, password_hash from users')
    expect(res.status).toBe(400)
    expect(res.body).toMatchObject({ code: 400, error: 'bad_request' })
    expect(res.body.message).toMatch(/Herald's own database/)
    expect(res.text).not.toMatch(/scrypt|\$/)
    const test = await t.request('POST', `/api/v2/${org}/datasources/${id}/test`, { auth: admin })
    expect(test.status).toBe(400)
    expect(test.body.message).toMatch(/Herald's own database/)
  })

  it("refuses Herald's own database by server identity, even without its migrations table", async () => {
    // A role that is no superuser, on Herald's own database whose migrations table is gone: only
    // the same-server-and-database check can tell.
    const role = `herald_peek_${Date.now()}`
    const own = postgres(t.tdb.url!, { max: 1, onnotice: () => {} })
    try {
      await own.unsafe(`create role ${role} login password 'x1'`)
      await own.unsafe(`grant select on all tables in schema public to ${role}`)
      await own.unsafe('alter table drizzle.__drizzle_migrations rename to hidden_migrations')
      const u = new URL(t.tdb.url!)
      u.username = role
      u.password = 'x1'
      expect(await refusedAtSave('peek', u.toString())).toMatch(
        /Herald's own database \(the same PostgreSQL server and database name\)/,
      )
      await stored('peek', u.toString())
      const res = await render('peek', 'select email, password_hash from users')
      expect(res.status).toBe(400)
      expect(res.body.message).toMatch(/Herald's own database/)
      expect(res.text).not.toMatch(/scrypt|\$/)
    } finally {
      await own
        .unsafe('alter table drizzle.hidden_migrations rename to __drizzle_migrations')
        .catch(() => {})
      await own.unsafe(`drop owned by ${role}`).catch(() => {})
      await own.unsafe(`drop role if exists ${role}`).catch(() => {})
      await own.end()
    }
  })

  it('refuses a superuser role, naming it, and accepts a read-only role', async () => {
    expect(await refusedAtSave('super', target.superuserUrl)).toMatch(/is a superuser/)
    await stored('super', target.superuserUrl)
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
      expect(await refusedAtSave('files', u.toString())).toMatch(/pg_read_server_files/)
      await stored('files', u.toString())
      const res = await render('files', 'select 1 as one')
      expect(res.status).toBe(400)
      expect(res.body.message).toMatch(/member of pg_read_server_files/)
    } finally {
      await target.admin.unsafe(`drop role if exists ${role}`).catch(() => {})
    }
  })
})
