import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, parseConfig } from '../../src/config.ts'
import { datasources } from '../../src/db/schema/index.ts'
import { newId } from '../../src/lib/ids.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { dashboardBody } from '../helpers/factories.ts'

const org = 'hosts'

/**
 * Issue 15, finding 1: a datasource URL is a connection Herald makes from its own network. By
 * default (HERALD_DATASOURCE_HOSTS unset) loopback, link-local and the metadata address are
 * refused, after DNS, at save and on every connect.
 */
describe('datasource host allow-list (default policy)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ datasourceHosts: ['*'] })
    await t.request('POST', '/api/v2/orgs', { body: { id: org } })
  })
  afterAll(async () => t?.close())

  const save = (name: string, url: string) =>
    t.request('POST', `/api/v2/${org}/datasources`, { body: { name, kind: 'postgres', url } })

  it.each([
    ['postgres://u:p@127.0.0.1:5432/postgres', /127\.0\.0\.1 is a loopback address/],
    [
      'postgres://u:p@localhost:5432/postgres',
      /127\.0\.0\.1 \(localhost resolves to it\) is a loopback/,
    ],
    ['postgres://u:p@[::1]:5432/postgres', /::1 is a loopback address/],
    ['postgres://u:p@169.254.169.254/x', /169\.254\.169\.254 is the cloud metadata address/],
    ['postgres://u:p@[fd00:ec2::254]/x', /fd00:ec2::254 is the cloud metadata address/],
    ['postgres://u:p@169.254.10.1/x', /is a link-local address/],
    ['postgres://u:p@0.0.0.0/x', /unspecified address/],
    ['postgres://u:p@[::ffff:127.0.0.1]/x', /127\.0\.0\.1 is a loopback address/],
    ['postgres://u:p@db.loopback.test/x', /127\.0\.0\.1 \(db\.loopback\.test resolves to it\)/],
    // Every address a name resolves to must be allowed, not only the first.
    ['postgres://u:p@db.metadata.test/x', /169\.254\.169\.254 \(db\.metadata\.test resolves/],
  ])('refuses %s at save with a field error on url', async (url, reason) => {
    const res = await save(`d${Math.random().toString(36).slice(2, 8)}`, url)
    expect(res.status, res.text).toBe(400)
    expect(res.body).toMatchObject({ code: 400, error: 'validation_failed' })
    expect(res.body.fields).toHaveLength(1)
    expect(res.body.fields[0].name).toBe('url')
    expect(res.body.fields[0].description).toMatch(reason)
    expect(res.body.fields[0].description).toMatch(/HERALD_DATASOURCE_HOSTS/)
  })

  it('refuses a host that does not resolve, naming it', async () => {
    const res = await save('gone', 'postgres://u:p@db.nowhere.test/x')
    expect(res.status).toBe(400)
    expect(res.body.fields[0]).toEqual({
      name: 'url',
      description: expect.stringMatching(/the host db\.nowhere\.test could not be resolved/),
    })
  })

  it('refuses an update to a loopback URL and keeps the old one', async () => {
    const ok = await save('elsewhere', 'postgres://u:p@db.example.com/x')
    expect(ok.status, ok.text).toBe(200)
    const put = await t.request('PUT', `/api/v2/${org}/datasources/${ok.body.id}`, {
      body: { name: 'elsewhere', kind: 'postgres', url: 'postgres://u:p@127.0.0.1/x' },
    })
    expect(put.status).toBe(400)
    expect(put.body.fields[0].name).toBe('url')
    const after = await t.request('GET', `/api/v2/${org}/datasources/${ok.body.id}`)
    expect(after.body.url).toContain('db.example.com')
  })

  it('refuses a loopback datasource on connect too (one stored before the rule)', async () => {
    const id = newId()
    const now = new Date()
    await t.tdb.database.db.insert(datasources).values({
      id,
      org,
      name: 'old-loopback',
      kind: 'postgres',
      secret: t.datasources.secrets.seal('postgres://postgres@127.0.0.1:5432/postgres', id),
      options: {},
      createdBy: 'root@herald.test',
      createdAt: now,
      updatedAt: now,
    })
    const body = dashboardBody({
      tabs: [
        {
          tabId: 'default',
          name: 'Main',
          panels: [
            {
              id: 'p1',
              type: 'table',
              title: 'Loot',
              query: { datasource: 'old-loopback', sql: 'select 1 as one' },
            },
          ],
        },
      ],
    })
    const dash = await t.request('POST', `/api/v2/${org}/dashboards`, { body })
    expect(dash.status, dash.text).toBe(200)
    const res = await t.request(
      'POST',
      `/api/v2/${org}/dashboards/${dash.body.id}/render?format=csv`,
    )
    expect(res.status).toBe(400)
    expect(res.body.message).toMatch(/127\.0\.0\.1 is a loopback address/)
    const test = await t.request('POST', `/api/v2/${org}/datasources/${id}/test`)
    expect(test.status).toBe(400)
    expect(test.body.message).toMatch(/loopback/)
  })
})

describe('datasource host allow-list (explicit)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({
      datasourceHosts: ['*.corp.test', '*.loopback.test', '10.0.0.0/8', 'localhost'],
    })
    await t.request('POST', '/api/v2/orgs', { body: { id: org } })
  })
  afterAll(async () => t?.close())
  const save = (name: string, url: string) =>
    t.request('POST', `/api/v2/${org}/datasources`, { body: { name, kind: 'postgres', url } })

  it('allows listed names, ranges and loopback only when listed; refuses the rest', async () => {
    expect((await save('corp', 'postgres://u:p@db.corp.test/x')).status).toBe(200)
    expect((await save('loop', 'postgres://u:p@localhost:1/x')).status).toBe(200)
    expect((await save('ten', 'postgres://u:p@10.1.2.3:1/x')).status).toBe(200)
    const other = await save('other', 'postgres://u:p@db.example.com/x')
    expect(other.status).toBe(400)
    expect(other.body.fields[0].description).toMatch(
      /db\.example\.com \(198\.51\.100\.7\) is not allowed by HERALD_DATASOURCE_HOSTS/,
    )
    // A wildcard never unlocks loopback: anyone may own a wildcard domain's DNS.
    const sneaky = await save('sneaky', 'postgres://u:p@db.loopback.test/x')
    expect(sneaky.status).toBe(400)
    expect(sneaky.body.fields[0].description).toMatch(/is a loopback address/)
    const v6 = await save('v6', 'postgres://u:p@[::1]/x')
    expect(v6.status).toBe(400)
  })
})

describe('HERALD_DATASOURCE_HOSTS configuration', () => {
  it('defaults to any host and names a bad pattern', () => {
    expect(parseConfig({}).datasourceHosts).toEqual(['*'])
    expect(
      parseConfig({ HERALD_DATASOURCE_HOSTS: ' db.x , *.corp.example,10.0.0.0/8 ' })
        .datasourceHosts,
    ).toEqual(['db.x', '*.corp.example', '10.0.0.0/8'])
    let err: unknown
    try {
      parseConfig({ HERALD_DATASOURCE_HOSTS: 'db.x,10.0.0.0/40,a*b' })
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(ConfigError)
    const problems = (err as ConfigError).problems.join('\n')
    expect(problems).toMatch(/HERALD_DATASOURCE_HOSTS: "10\.0\.0\.0\/40" is not a CIDR range/)
    expect(problems).toMatch(/HERALD_DATASOURCE_HOSTS: "a\*b" is not a host name/)
  })
})
