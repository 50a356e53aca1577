import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'

// HERALD_DATASOURCE_ADMINS=root (issue 15, finding 1): a datasource URL is a connection the
// server makes, so an operator can keep pointing them anywhere to the root user.
const org = 'dsadm'
const url = 'postgres://reader@db.example/app'

describe('HERALD_DATASOURCE_ADMINS=root', () => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp({ datasourceAdmins: 'root' })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('refuses an org admin creating, changing or deleting a datasource with a 403 envelope', async () => {
    const admin = await t.member(org, ['admin'])
    const create = await t.request('POST', `/api/v2/${org}/datasources`, {
      body: { name: 'mine', url },
      auth: admin,
    })
    expect(create.status).toBe(403)
    expect(create.body).toMatchObject({ code: 403 })
    expect(create.body.message).toContain('HERALD_DATASOURCE_ADMINS=root')

    const byRoot = await t.request('POST', `/api/v2/${org}/datasources`, {
      body: { name: 'vetted', url },
    })
    expect(byRoot.status).toBe(200)
    const id = byRoot.body.id
    const update = await t.request('PUT', `/api/v2/${org}/datasources/${id}`, {
      body: { name: 'vetted', url: 'postgres://reader@elsewhere.example/app' },
      auth: admin,
    })
    expect(update.status).toBe(403)
    const del = await t.request('DELETE', `/api/v2/${org}/datasources/${id}`, { auth: admin })
    expect(del.status).toBe(403)
    // The admin still uses what root set up.
    const list = await t.request('GET', `/api/v2/${org}/datasources`, { auth: admin })
    expect(list.status).toBe(200)
    expect(list.body.list.map((d: { name: string }) => d.name)).toContain('vetted')
  })
})

describe('HERALD_DATASOURCE_ADMINS=org (default)', () => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(async () => {
    await t?.close()
  })

  it('lets an org admin create a datasource', async () => {
    const admin = await t.member(org, ['admin'])
    const create = await t.request('POST', `/api/v2/${org}/datasources`, {
      body: { name: 'mine', url },
      auth: admin,
    })
    expect(create.status).toBe(200)
  })
})
