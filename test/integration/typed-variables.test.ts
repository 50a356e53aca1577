import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { dashboardBody, makeReport } from '../helpers/factories.ts'

const org = 'typedvars'
// 2026-11-03 01:30 UTC is still 2 November in New York: the zone decides "today".
const T0 = Date.parse('2026-11-03T01:30:00Z')

const variables = [
  { name: 'n', type: 'integer', required: true, min: 1, max: 10 },
  { name: 'ratio', type: 'number', default: 0.5 },
  { name: 'flag', type: 'boolean', default: false },
  { name: 'country', type: 'string', options: ['IN', 'US'], default: 'IN' },
  { name: 'day', type: 'date', default: 'today' },
  { name: 'at', type: 'datetime', default: 'beginning of month' },
  { name: 'ids', type: 'integer', multi: true, default: [1, 2] },
  { name: 'free', type: 'custom', value: 'as text' },
]
const sql =
  'select ${n} + 1 as next, pg_typeof(${n})::text as n_type, ${ratio} * 2 as ratio2, ' +
  'pg_typeof(${flag})::text as flag_type, ${country} as country, ${day}::text as day, ' +
  "to_char(${at} at time zone 'America/New_York', 'YYYY-MM-DD HH24:MI') as at_local, " +
  'array_length(${ids}, 1) as ids, ${free} as free'

describe('typed dashboard variables', () => {
  let t: TestApp
  let dash: string
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
            { id: 'p1', type: 'table', title: 'Typed', query: { datasource: 'sample', sql } },
          ],
        },
      ],
    })
    const res = await t.request('POST', `/api/v2/${org}/dashboards?folder=default`, { body })
    expect(res.status, res.text).toBe(200)
    dash = res.body.id
    report = await makeReport(t, org, dash, 'default', {
      destinations: [],
      enabled: false,
      timezone: 'America/New_York',
    })
  })
  afterAll(async () => {
    await t.close()
  })

  const trigger = (vars: unknown) =>
    t.request('PUT', `/api/v2/${org}/reports/${report}/trigger?wait=0`, {
      body: { variables: vars },
    })
  const fieldNames = (body: { fields?: { name: string }[] }) =>
    (body.fields ?? []).map((f) => f.name)

  it('a wrong type, a missing required value, a value outside options or min/max is a 400 naming it', async () => {
    const cases: [unknown, string][] = [
      [{ n: 'three' }, 'variables.n'],
      [{}, 'variables.n'],
      [{ n: 3, country: 'FR' }, 'variables.country'],
      [{ n: 11 }, 'variables.n'],
      [{ n: 0 }, 'variables.n'],
      [{ n: 3, flag: 'maybe' }, 'variables.flag'],
      [{ n: 3, day: 'next blue moon' }, 'variables.day'],
      [
        [
          { name: 'n', value: 2 },
          { name: 'ratio', value: 'half' },
        ],
        'variables.ratio',
      ],
    ]
    for (const [vars, field] of cases) {
      const res = await trigger(vars)
      expect(res.status, `${JSON.stringify(vars)} ${res.text}`).toBe(400)
      expect(fieldNames(res.body), JSON.stringify(vars)).toEqual([field])
      expect(res.body.message).toContain(field.slice('variables.'.length))
    }
    expect((await trigger({ n: 3 })).status).toBe(202)
    expect((await trigger([{ name: 'n', value: '4' }])).status).toBe(202)
  })

  it('Mode-style runs and generate check them too', async () => {
    const run = await t.request('POST', `/api/v2/${org}/reports/${report}/runs`, {
      body: { parameters: { n: 'x' } },
    })
    expect(run.status).toBe(400)
    expect(fieldNames(run.body)).toEqual(['variables.n'])
    const gen = await t.request('POST', `/api/v2/${org}/reports/${report}/generate`, {
      body: { variables: [{ name: 'n', value: 99 }] },
    })
    expect(gen.status).toBe(400)
    expect(fieldNames(gen.body)).toEqual(['variables.n'])
  })

  it('a report saved with a badly typed value is a 400 naming the variable', async () => {
    const res = await t.request('POST', `/api/v2/${org}/reports?folder=default`, {
      body: {
        ...(await t.request('GET', `/api/v2/${org}/reports/${report}`)).body,
        name: 'typed_bad',
        dashboards: [
          {
            dashboard: dash,
            folder: 'default',
            tabs: ['default'],
            variables: [{ key: 'n', value: 'lots' }],
            timerange: { type: 'relative', period: '1d', from: 0, to: 0 },
            report_type: 'pdf',
          },
        ],
      },
    })
    expect(res.status).toBe(400)
    expect(fieldNames(res.body)).toContain('dashboards[0].variables.n')
  })

  it('a dashboard whose typed default is not of its type is refused', async () => {
    const res = await t.request('POST', `/api/v2/${org}/dashboards?folder=default`, {
      body: dashboardBody({ variables: [{ name: 'k', type: 'integer', default: 'x' }] }),
    })
    expect(res.status).toBe(400)
  })

  it('binds typed parameters; date phrases resolve in the zone', async () => {
    const res = await t.request(
      'POST',
      `/api/v2/${org}/dashboards/${dash}/render?format=csv&panel=p1&timezone=America/New_York`,
      { body: { variables: { n: '4' } } },
    )
    expect(res.status, res.text).toBe(200)
    const [row] = parse(res.text, { columns: true }) as Record<string, string>[]
    expect(row).toMatchObject({
      next: '5',
      n_type: 'bigint',
      ratio2: '1',
      flag_type: 'boolean',
      country: 'IN',
      day: '2026-11-02',
      at_local: '2026-11-01 00:00',
      ids: '2',
      free: 'as text',
    })
  })

  it('untyped variables keep working as strings', async () => {
    const res = await t.request('POST', `/api/v2/${org}/dashboards?folder=default`, {
      body: dashboardBody({
        variables: [{ name: 'v', value: '7' }],
        tabs: [
          {
            tabId: 'default',
            name: 'o',
            panels: [
              {
                id: 'p1',
                type: 'table',
                title: 'T',
                query: { datasource: 'sample', sql: "select '${v}' || 'x' as s" },
              },
            ],
          },
        ],
      }),
    })
    expect(res.status, res.text).toBe(200)
    const csv = await t.request(
      'POST',
      `/api/v2/${org}/dashboards/${res.body.id}/render?format=csv&panel=p1`,
    )
    expect(parse(csv.text, { columns: true })).toEqual([{ s: '7x' }])
  })
})
