import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { dashboardBody, makeReport } from '../helpers/factories.ts'

const org = 'seedrun'
const T0 = Date.parse('2026-11-23T10:00:00Z')

const variables = [
  { name: 'field', type: 'string', options: ['country', 'product'], default: 'country' },
  { name: 'start_date', type: 'date', default: '2024-01-01' },
  { name: 'end_date', type: 'date', default: 'today' },
]
const byCountry =
  "select country, count(*)::int as orders from (values ('IN'), ('US'), ('IN')) v(country) " +
  'group by country order by country'
const window =
  'select ${field} as field, ${start_date}::text as start_date, ${end_date}::text as end_date'

/** Seed 000: POST /api/v1/{org}/reports/{id}/run answers the report's data as {columns, rows}. */
describe('seed 000: run a report, get its data', () => {
  let t: TestApp
  let report: string

  beforeAll(async () => {
    t = await createTestApp({ now: T0 })
    const body = dashboardBody({
      variables,
      tabs: [
        {
          tabId: 'default',
          name: 'Overview',
          panels: [
            { id: 'notes', type: 'text', title: 'Notes', content: 'About these numbers' },
            {
              id: 'p1',
              type: 'table',
              title: 'Orders by country',
              query: { datasource: 'sample', sql: byCountry },
            },
            {
              id: 'p2',
              type: 'table',
              title: 'Window',
              query: { datasource: 'sample', sql: window },
            },
            {
              id: 'p3',
              type: 'table',
              title: 'Broken',
              query: { datasource: 'sample', sql: 'select no_such_column from orders' },
            },
          ],
        },
      ],
    })
    const res = await t.request('POST', `/api/v2/${org}/dashboards?folder=default`, { body })
    expect(res.status, res.text).toBe(200)
    report = await makeReport(t, org, res.body.id, 'default', { destinations: [], enabled: false })
  })
  afterAll(async () => {
    await t.close()
  })

  const run = (body?: unknown, query = '', opts: { auth?: string | null; id?: string } = {}) =>
    t.request('POST', `/api/v1/${org}/reports/${opts.id ?? report}/run${query}`, {
      ...(body === undefined ? {} : { body }),
      ...(opts.auth !== undefined ? { auth: opts.auth } : {}),
    })
  const runs = async () =>
    (await t.request('GET', `/api/v2/${org}/reports/${report}/runs`)).body.list as {
      trigger: string
      state: string
      error: string | null
    }[]

  // The clock stands still, so runs tie on time: count them rather than read the newest.
  const failed = async () =>
    (await runs()).filter((r) => r.trigger === 'api' && r.state === 'failed').length

  it('answers the first data panel as {columns, rows} and records an api run', async () => {
    for (const body of [{}, undefined]) {
      const res = await run(body)
      expect(res.status, res.text).toBe(200)
      expect(res.body).toEqual({
        columns: ['country', 'orders'],
        rows: [
          ['IN', 2],
          ['US', 1],
        ],
      })
    }
    const done = (await runs()).filter((r) => r.trigger === 'api' && r.state === 'succeeded')
    expect(done).toHaveLength(2)
    expect(done[0]).toMatchObject({ error: null })
  })

  it('passes the parameters, typed, to the panels; ?panel= picks one by title or index', async () => {
    const want = {
      columns: ['field', 'start_date', 'end_date'],
      rows: [['product', '2024-01-01', '2025-01-01']],
    }
    const params = { field: 'product', start_date: '2024-01-01', end_date: '2025-01-01' }
    const byTitle = await run(params, '?panel=Window')
    expect(byTitle.status, byTitle.text).toBe(200)
    expect(byTitle.body).toEqual(want)
    expect((await run(params, '?panel=1')).body).toEqual(want)
    // Defaults apply to what is not passed; `today` is the report's day.
    expect((await run({}, '?panel=window')).body.rows).toEqual([
      ['country', '2024-01-01', '2026-11-23'],
    ])
    const missing = await run({}, '?panel=Nope')
    expect(missing.status).toBe(404)
    expect(missing.body).toEqual({
      error: { code: 'not_found', message: 'Panel "Nope" not found' },
    })
  })

  it("the seed's example bodies work as written", async () => {
    // {"field": "country"}: the first data panel does not use it; the Window panel shows it bound.
    const byField = await run({ field: 'country' })
    expect(byField.status, byField.text).toBe(200)
    expect(byField.body).toEqual({
      columns: ['country', 'orders'],
      rows: [
        ['IN', 2],
        ['US', 1],
      ],
    })
    const fieldWindow = await run({ field: 'country' }, '?panel=Window')
    expect(fieldWindow.body).toEqual({
      columns: ['field', 'start_date', 'end_date'],
      rows: [['country', '2024-01-01', '2026-11-23']],
    })
    // {"start_date": "2024-01-01", "end_date": "2025-01-01"}: the window, field from its default.
    const dates = await run({ start_date: '2024-01-01', end_date: '2025-01-01' }, '?panel=1')
    expect(dates.status, dates.text).toBe(200)
    expect(dates.body).toEqual({
      columns: ['field', 'start_date', 'end_date'],
      rows: [['country', '2024-01-01', '2025-01-01']],
    })
  })

  it('?all=true answers every data panel with its title', async () => {
    const failedBefore = await failed()
    const res = await run({ field: 'product' }, '?all=true&panel=ignored')
    // The broken panel fails the whole run: all=true means all of them.
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('bad_request')
    expect(res.body.error.message).toContain('Broken')
    expect(await failed()).toBe(failedBefore + 1)
  })

  it('?all=true on a report whose panels all work', async () => {
    const body = dashboardBody({
      variables,
      tabs: [
        {
          tabId: 'default',
          name: 'Overview',
          panels: [
            {
              id: 'p1',
              type: 'table',
              title: 'A',
              query: { datasource: 'sample', sql: byCountry },
            },
            { id: 'p2', type: 'table', title: 'B', query: { datasource: 'sample', sql: window } },
          ],
        },
      ],
    })
    const dash = await t.request('POST', `/api/v2/${org}/dashboards?folder=default`, { body })
    const id = await makeReport(t, org, dash.body.id, 'default', { destinations: [] })
    const res = await run({ end_date: '2025-01-01' }, '?all=true', { id })
    expect(res.status, res.text).toBe(200)
    expect(res.body).toEqual({
      panels: [
        {
          title: 'A',
          columns: ['country', 'orders'],
          rows: [
            ['IN', 2],
            ['US', 1],
          ],
        },
        {
          title: 'B',
          columns: ['field', 'start_date', 'end_date'],
          rows: [['country', '2024-01-01', '2025-01-01']],
        },
      ],
    })
  })

  it('a failing query is a 400 and a failed api run', async () => {
    const failedBefore = await failed()
    const res = await run({}, '?panel=Broken')
    expect(res.status).toBe(400)
    expect(Object.keys(res.body)).toEqual(['error'])
    expect(await failed()).toBe(failedBefore + 1)
  })

  it('an unknown report is a 404 in the seed shape', async () => {
    const res = await run({}, '', { id: '2ABCDEFGHIJKLMNOPQRSTUVWXYZ' })
    expect(res.status).toBe(404)
    expect(res.body).toEqual({ error: { code: 'not_found', message: 'Report not found' } })
  })

  it('callers outside the org get a 403, anonymous ones a 401, in the seed shape', async () => {
    const outsider = await t.member('seedrun-other', ['admin'])
    const forbidden = await run({}, '', { auth: outsider })
    expect(forbidden.status).toBe(403)
    expect(forbidden.body).toEqual({
      error: { code: 'forbidden', message: `You are not a member of org ${org}` },
    })
    const anon = await run({}, '', { auth: null })
    expect(anon.status).toBe(401)
    expect(anon.body).toEqual({
      error: { code: 'unauthorized', message: expect.any(String) },
    })
    // A viewer or a runner may read, so may run it.
    for (const role of ['viewer', 'runner']) {
      const member = await t.member(org, [role])
      expect((await run({}, '', { auth: member })).status, role).toBe(200)
    }
  })

  it('bad input is a 400 naming the parameter, checked before anything runs', async () => {
    const before = (await runs()).length
    const cases: [unknown, string][] = [
      [{ start_date: 'not a date' }, 'start_date'],
      [{ field: 'colour' }, 'field'],
    ]
    for (const [body, name] of cases) {
      const res = await run(body)
      expect(res.status, res.text).toBe(400)
      expect(res.body.error.code).toBe('bad_request')
      expect(res.body.error.message).toContain(name)
    }
    const notJson = await t.request('POST', `/api/v1/${org}/reports/${report}/run`, {
      raw: '{"start_date": ',
      headers: { 'content-type': 'application/json' },
    })
    expect(notJson.status).toBe(400)
    expect(notJson.body.error.code).toBe('bad_request')
    const notObject = await run([1, 2])
    expect(notObject.status).toBe(400)
    expect(notObject.body.error.code).toBe('bad_request')
    expect((await run({}, '?all=maybe')).body.error.code).toBe('bad_request')
    expect((await runs()).length).toBe(before)
  })

  it('v1 and v2 are reserved: never org ids', async () => {
    const create = await t.request('POST', '/api/v2/orgs', { body: { id: 'v1' } })
    expect(create.status).toBe(400)
    const v2 = await t.request('GET', '/api/v2/reports')
    expect(v2.status).toBe(400)
    expect(v2.body.fields[0]).toMatchObject({ name: 'org' })
  })
})
