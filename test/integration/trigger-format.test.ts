import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ReportExecutor } from '../../src/runs/report-executor.ts'
import type { Worker } from '../../src/runs/worker.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { dashboardBody, makeReport } from '../helpers/factories.ts'
import { worker } from '../helpers/runs.ts'

const org = 'trigfmt'
const T0 = Date.parse('2026-11-23T10:00:00Z')

/** A trigger's `format` renders that run in another format than the report's report_type. */
describe('trigger with format', () => {
  let t: TestApp
  let w: Worker
  let report: string

  beforeAll(async () => {
    t = await createTestApp({ now: T0 })
    const executor = new ReportExecutor({
      database: t.tdb.database,
      datasources: t.datasources,
      renderer: t.renderer,
      clock: t.clock,
      deliver: async () => ({ kind: 'sent', deliveries: [] }),
    })
    w = worker(t.tdb.database, t.clock, executor)
    await w.start()
    const body = dashboardBody({
      tabs: [
        {
          tabId: 'default',
          name: 'Overview',
          panels: [
            {
              id: 'p1',
              type: 'table',
              title: 'Answer',
              query: { datasource: 'sample', sql: 'select 42 as answer' },
            },
          ],
        },
      ],
    })
    const res = await t.request('POST', `/api/v2/${org}/dashboards?folder=default`, { body })
    expect(res.status, res.text).toBe(200)
    // A PDF report with no recipients: its runs' files are kept as outputs.
    report = await makeReport(t, org, res.body.id, 'default', { destinations: [] })
  })
  afterAll(async () => {
    await w?.stop(1000)
    await t?.close()
  })

  async function triggerWith(body: unknown) {
    const run = await t.request('PUT', `/api/v2/${org}/reports/${report}/trigger?wait=20`, {
      body,
    })
    expect(run.status, run.text).toBe(200)
    const out = await t.request(
      'GET',
      `/api/v2/${org}/reports/${report}/runs/${run.body.run_id}/outputs/0`,
    )
    expect(out.status).toBe(200)
    const detail = await t.request(
      'GET',
      `/api/v2/${org}/reports/${report}/runs/${run.body.run_id}`,
    )
    return { out, detail: detail.body }
  }

  it('format=csv on a PDF report gives the run a CSV output, recorded in its parameters', async () => {
    const { out, detail } = await triggerWith({ format: 'csv' })
    expect(out.headers.get('content-type')).toMatch(/^text\/csv/)
    expect(out.text).toContain('answer')
    expect(detail.parameters.format).toBe('csv')
  })

  it('format=json gives a JSON document', async () => {
    const { out } = await triggerWith({ format: 'json' })
    expect(out.headers.get('content-type')).toMatch(/^application\/json/)
    expect(out.body.panels).toEqual([{ title: 'Answer', columns: ['answer'], rows: [[42]] }])
  })

  it('the report itself is unchanged: a plain trigger still renders its PDF', async () => {
    const { out, detail } = await triggerWith(undefined)
    expect(out.headers.get('content-type')).toMatch(/^application\/pdf/)
    expect(detail.parameters.format).toBeUndefined()
  })

  it('Mode-style POST …/runs accepts format too', async () => {
    const res = await t.request('POST', `/api/v2/${org}/reports/${report}/runs`, {
      body: { parameters: {}, format: 'csv' },
    })
    expect(res.status, res.text).toBe(202)
    expect(res.body.parameters.format).toBe('csv')
  })

  it('an unknown format is a 400 naming format', async () => {
    const res = await t.request('PUT', `/api/v2/${org}/reports/${report}/trigger`, {
      body: { format: 'xml' },
    })
    expect(res.status).toBe(400)
    expect(res.body.fields.map((f: { name: string }) => f.name)).toEqual(['format'])
  })
})
