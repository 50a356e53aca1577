import { parse } from 'csv-parse/sync'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ReportExecutor } from '../../src/runs/report-executor.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { dashboardBody, makeReport, reportBody } from '../helpers/factories.ts'
import { scheduler, worker } from '../helpers/runs.ts'

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

  it('a dashboard whose typed default breaks its own declaration is a 400 naming the variable', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'integer', default: 'x' }, 'expected a whole number'],
      [{ type: 'boolean', default: 'maybe' }, 'expected true or false'],
      [{ type: 'date', default: 'next blue moon' }, ''],
      [{ type: 'string', options: ['IN', 'US'], default: 'FR' }, '"FR" is not one of IN, US'],
      [{ type: 'integer', options: [1, 2], default: 3 }, 'is not one of 1, 2'],
      [{ type: 'integer', min: 1, max: 10, default: 11 }, 'above 10'],
      [{ type: 'number', min: 0.5, default: 0.1 }, 'below 0.5'],
      [{ type: 'string', max: 3, default: 'toolong' }, 'above 3'],
      [{ type: 'integer', multi: true, max: 5, default: [1, 9] }, '"9" is above 5'],
      [{ type: 'integer', default: [1, 2] }, 'takes one value'],
      // Both ends fixed dates: checkable now. A phrase's day depends on the run, so it waits.
      [{ type: 'date', min: '2024-01-01', default: '2023-12-31' }, 'below 2024-01-01'],
      [{ type: 'datetime', max: '2024-01-01 00:00:00', default: '2024-06-01' }, 'above'],
    ]
    for (const [decl, says] of cases) {
      const res = await t.request('POST', `/api/v2/${org}/dashboards?folder=default`, {
        body: dashboardBody({
          variables: [
            { name: 'keep', value: 'x' },
            { name: 'k', ...decl },
          ],
        }),
      })
      expect(res.status, `${JSON.stringify(decl)} ${res.text}`).toBe(400)
      expect(fieldNames(res.body), JSON.stringify(decl)).toEqual(['variables[1].default'])
      expect(res.body.fields[0].description).toContain('Variable k')
      expect(res.body.fields[0].description).toContain(says)
    }
    // The same declarations with a default that fits are saved; so is a phrase under a fixed min.
    const fits: Record<string, unknown>[] = [
      { type: 'string', options: ['IN', 'US'], default: 'US' },
      { type: 'integer', min: 1, max: 10, default: 10 },
      { type: 'integer', multi: true, max: 5, default: [1, 5] },
      { type: 'date', min: '2024-01-01', default: '3 days ago' },
      { type: 'datetime', max: '2024-01-01 00:00:00', default: '2023-06-01' },
    ]
    for (const decl of fits) {
      const res = await t.request('POST', `/api/v2/${org}/dashboards?folder=default`, {
        body: dashboardBody({ variables: [{ name: 'k', ...decl }] }),
      })
      expect(res.status, `${JSON.stringify(decl)} ${res.text}`).toBe(200)
    }
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

/**
 * A run's date variables resolve at its slot, in the report's zone: a run that renders late
 * (queued behind others, retried, or a worker that was down) shows the days it was for.
 */
describe('date variables of a run resolve at its slot', () => {
  let t: TestApp
  let dash: string
  const DAY = 86_400_000
  const dated = [
    { name: 'day', type: 'date', default: 'today' },
    { name: 'ago', type: 'date', default: '3 days ago' },
    { name: 'month', type: 'datetime', default: 'beginning of month' },
  ]
  const sql =
    'select ${day}::text as day, ${ago}::text as ago, ' +
    "to_char(${month} at time zone 'America/New_York', 'YYYY-MM-DD HH24:MI') as month"

  beforeAll(async () => {
    t = await createTestApp({ now: T0 })
    const res = await t.request('POST', `/api/v2/${org}/dashboards?folder=default`, {
      body: dashboardBody({
        variables: dated,
        tabs: [
          {
            tabId: 'default',
            name: 'Overview',
            panels: [
              { id: 'p1', type: 'table', title: 'Days', query: { datasource: 'sample', sql } },
            ],
          },
        ],
      }),
    })
    expect(res.status, res.text).toBe(200)
    dash = res.body.id
  })
  afterAll(async () => {
    await t.close()
  })

  const entry = () => [
    { ...(reportBody(dash) as { dashboards: object[] }).dashboards[0], report_type: 'json' },
  ]
  /** Runs every due run with the real executor at the clock's current time. */
  async function renderDue() {
    const w = worker(
      t.tdb.database,
      t.clock,
      new ReportExecutor({
        database: t.tdb.database,
        datasources: t.datasources,
        renderer: t.renderer,
        clock: t.clock,
        deliver: async () => ({ kind: 'sent', deliveries: [] }),
      }),
    )
    await w.tick()
    await w.idle()
  }
  async function rowOf(report: string, runId: string) {
    const run = await t.request('GET', `/api/v2/${org}/reports/${report}/runs/${runId}`)
    expect(run.body.state, JSON.stringify(run.body)).toBe('succeeded')
    const out = await t.request('GET', `/api/v2/${org}/reports/${report}/runs/${runId}/outputs/0`)
    expect(out.status).toBe(200)
    return out.body.panels[0].rows[0]
  }

  it('a manual run rendered 40 days late shows the days of when it was asked for', async () => {
    t.clock.set(T0)
    const report = await makeReport(t, org, dash, 'default', {
      destinations: [],
      enabled: false,
      timezone: 'America/New_York',
      dashboards: entry(),
    })
    const trig = await t.request('PUT', `/api/v2/${org}/reports/${report}/trigger?wait=0`)
    expect(trig.status, trig.text).toBe(202)
    t.clock.advance(40 * DAY)
    await renderDue()
    // T0 is 2 November in New York (01:30 UTC on the 3rd).
    expect(await rowOf(report, trig.body.run_id)).toEqual([
      '2026-11-02',
      '2026-10-30',
      '2026-11-01 00:00',
    ])
  })

  it('a scheduled run resolves at its slot (scheduled_for), not when a worker got to it', async () => {
    // Hourly from 2026-11-20 23:30 New York (04:30 UTC on the 21st).
    const start = Date.parse('2026-11-21T04:30:00Z')
    t.clock.set(start - DAY)
    const report = await makeReport(t, org, dash, 'default', {
      destinations: [],
      timezone: 'America/New_York',
      timezoneOffset: -300,
      start: start * 1000,
      frequency: { interval: 1, type: 'hours', cron: '' },
      dashboards: entry(),
    })
    t.clock.set(start)
    await scheduler(t.tdb.database, t.clock, { lookaheadMs: 0 }).tick()
    const list = await t.request('GET', `/api/v2/${org}/reports/${report}/runs`)
    const [queued] = list.body.list
    expect(queued).toMatchObject({ state: 'queued', scheduled_for: new Date(start).toISOString() })
    // The worker gets to it the next day, after midnight in New York.
    t.clock.set(start + 5 * 3_600_000)
    await renderDue()
    expect(await rowOf(report, queued.run_id)).toEqual([
      '2026-11-20',
      '2026-11-17',
      '2026-11-01 00:00',
    ])
  })
})
