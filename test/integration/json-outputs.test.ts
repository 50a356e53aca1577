import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { planFiles } from '../../src/delivery/compose.ts'
import type { DeliverRunInput } from '../../src/delivery/index.ts'
import { ReportExecutor } from '../../src/runs/report-executor.ts'
import type { Worker } from '../../src/runs/worker.ts'
import { basic, createTestApp, ROOT_EMAIL, ROOT_PASSWORD, type TestApp } from '../helpers/app.ts'
import { dashboardBody, makeReport, reportBody } from '../helpers/factories.ts'
import { worker } from '../helpers/runs.ts'

const org = 'jsonout'
const T0 = Date.parse('2026-11-23T10:00:00Z')
const byCountry =
  "select country, count(*)::int as orders from (values ('IN'), ('US'), ('IN')) v(country) " +
  'group by country order by country'

/** Seed 001's outputs: `json` (one document) and `json_bulk` (a line per row). */
/** The sample dashboard's rows as json_bulk writes them: one object per row, with its panel. */
const BULK_LINES = [
  { panel: 'By country', row: { country: 'IN', orders: 2 } },
  { panel: 'By country', row: { country: 'US', orders: 1 } },
  { panel: 'Answer', row: { answer: 42 } },
]

const ndjson = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l))

describe('json and json_bulk outputs', () => {
  let t: TestApp
  let w: Worker
  let dash: string
  const delivered: DeliverRunInput[] = []

  beforeAll(async () => {
    t = await createTestApp({ now: T0 })
    const executor = new ReportExecutor({
      database: t.tdb.database,
      datasources: t.datasources,
      renderer: t.renderer,
      clock: t.clock,
      deliver: async (input) => {
        delivered.push(input)
        return { kind: 'sent', deliveries: [] }
      },
    })
    w = worker(t.tdb.database, t.clock, executor)
    await w.start()
    const body = dashboardBody({
      tabs: [
        {
          tabId: 'default',
          name: 'Overview',
          panels: [
            { id: 'n', type: 'text', title: 'Notes', content: 'Not data' },
            {
              id: 'p1',
              type: 'table',
              title: 'By country',
              query: { datasource: 'sample', sql: byCountry },
            },
            {
              id: 'p2',
              type: 'metric',
              title: 'Answer',
              query: { datasource: 'sample', sql: 'select 42 as answer' },
            },
          ],
        },
      ],
    })
    const res = await t.request('POST', `/api/v2/${org}/dashboards?folder=default`, { body })
    expect(res.status, res.text).toBe(200)
    dash = res.body.id
  })
  afterAll(async () => {
    await w?.stop(1000)
    await t?.close()
  })

  const panels = [
    {
      title: 'By country',
      columns: ['country', 'orders'],
      rows: [
        ['IN', 2],
        ['US', 1],
      ],
    },
    { title: 'Answer', columns: ['answer'], rows: [[42]] },
  ]

  it('the render endpoint answers json and json_bulk', async () => {
    const json = await t.app.request(
      `/api/v2/${org}/dashboards/${dash}/render?format=json&period=1d`,
      { method: 'POST', headers: { authorization: rootAuth(t) } },
    )
    expect(json.status).toBe(200)
    expect(json.headers.get('content-type')).toMatch(/^application\/json/)
    const doc = await json.json()
    expect(doc).toEqual({
      report: expect.any(String),
      timezone: 'UTC',
      timespan: { from: '2026-11-22T10:00:00.000Z', to: '2026-11-23T10:00:00.000Z' },
      panels,
    })
    const bulk = await t.app.request(`/api/v2/${org}/dashboards/${dash}/render?format=json_bulk`, {
      method: 'POST',
      headers: { authorization: rootAuth(t) },
    })
    expect(bulk.status).toBe(200)
    expect(bulk.headers.get('content-type')).toMatch(/^application\/x-ndjson/)
    expect(ndjson(await bulk.text())).toEqual(BULK_LINES)
  })

  it('a json report is emailed as an attachment and downloadable from its run', async () => {
    const id = await makeReport(t, org, dash, 'default', {
      name: 'weekly_json',
      title: 'Weekly JSON',
      enabled: false,
      destinations: [{ email: 'ops@example.com' }],
      timezone: 'Europe/Berlin',
      dashboards: entryOf(dash, 'json'),
    })
    const run = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=20`)
    expect(run.status, run.text).toBe(200)
    const sent = delivered.find((d) => d.run.id === run.body.run_id)!
    expect(sent.outputs.map((o) => [o.mediaType, o.filename])).toEqual([
      ['application/json', 'weekly_json.json'],
    ])
    const [file] = planFiles(sent.report, sent.outputs)
    expect(file).toMatchObject({
      filename: 'Weekly JSON.json',
      contentType: 'application/json',
      disposition: 'attachment',
    })
    const out = await t.request(
      'GET',
      `/api/v2/${org}/reports/${id}/runs/${run.body.run_id}/outputs/0`,
    )
    expect(out.status).toBe(200)
    expect(out.body).toMatchObject({ report: 'weekly_json', timezone: 'Europe/Berlin', panels })
  })

  it("a json report's run is the exact document; its job says json and redirects to it", async () => {
    const id = await makeReport(t, org, dash, 'default', {
      name: 'job_json',
      enabled: false,
      destinations: [],
      timezone: 'Europe/Berlin',
      dashboards: entryOf(dash, 'json'),
    })
    const run = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=20`)
    expect(run.status, run.text).toBe(200)
    const output = `/api/v2/${org}/reports/${id}/runs/${run.body.run_id}/outputs/0`
    const out = await t.request('GET', output)
    expect(out.headers.get('content-type')).toMatch(/^application\/json/)
    // The entry's range is the last 30 minutes, ending when the run was asked for.
    expect(out.body).toEqual({
      report: 'job_json',
      timezone: 'Europe/Berlin',
      timespan: {
        from: new Date(T0 - 30 * 60_000).toISOString(),
        to: new Date(T0).toISOString(),
      },
      panels,
    })
    const job = await t.request('GET', `/api/v2/${org}/jobs/${run.body.run_id}?redirect=true`)
    expect(job.status).toBe(300)
    expect(job.body.job).toMatchObject({ status: 'DONE', format: 'json' })
    const files = await t.request('GET', job.headers.get('location')!)
    expect(files.body.files).toEqual([
      expect.objectContaining({ name: 'job_json.json', media_type: 'application/json' }),
    ])
  })

  it("a json_bulk report's run is one line per row; Accept: application/x-ndjson answers 300 to it", async () => {
    const id = await makeReport(t, org, dash, 'default', {
      name: 'job_bulk',
      enabled: false,
      destinations: [],
      dashboards: entryOf(dash, 'json_bulk'),
    })
    const run = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=20`)
    expect(run.status, run.text).toBe(200)
    const job = await t.request('GET', `/api/v2/${org}/jobs/${run.body.run_id}`, {
      headers: { accept: 'application/x-ndjson' },
    })
    expect(job.status).toBe(300)
    expect(job.body.job.format).toBe('json_bulk')
    const location = job.headers.get('location')!
    expect(location).toBe(`/api/v2/${org}/reports/${id}/runs/${run.body.run_id}/outputs/0`)
    const file = await t.app.request(location, { headers: { authorization: rootAuth(t) } })
    expect(file.headers.get('content-type')).toMatch(/^application\/x-ndjson/)
    expect(ndjson(await file.text())).toEqual(BULK_LINES)
  })

  it('report_type json_bulk is accepted on save; an unknown type is not', async () => {
    const id = await makeReport(t, org, dash, 'default', {
      name: 'bulk_one',
      destinations: [],
      dashboards: entryOf(dash, 'json_bulk'),
    })
    const got = await t.request('GET', `/api/v2/${org}/reports/${id}`)
    expect(got.body.dashboards[0].report_type).toBe('json_bulk')
    const bad = await t.request('POST', `/api/v2/${org}/reports?folder=default`, {
      body: reportBody(dash, { name: 'bad_one', dashboards: entryOf(dash, 'xml') }),
    })
    expect(bad.status).toBe(400)
  })
})

function rootAuth(_t: TestApp): string {
  return basic(ROOT_EMAIL, ROOT_PASSWORD)
}

/** The factory's dashboard entry with another report_type. */
function entryOf(dash: string, type: string) {
  const body = reportBody(dash) as { dashboards: Record<string, unknown>[] }
  return [{ ...body.dashboards[0], report_type: type }]
}
