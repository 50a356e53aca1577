import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunExecutor } from '../../src/runs/executor.ts'
import { purgeOutputs } from '../../src/runs/retention.ts'
import type { Worker } from '../../src/runs/worker.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { storeOutputs } from '../helpers/delivery.ts'
import { makeDashboard, makeReport } from '../helpers/factories.ts'
import { gate, worker } from '../helpers/runs.ts'

const org = 'seedjobs'
const T0 = Date.parse('2026-11-23T10:00:00Z')
const CSV = Buffer.from('country,total\nIN,12\n')

/** Seed 001's job view: a run as a job with a status, a timespan and links to its files. */
describe('seed 001: job view', () => {
  let t: TestApp
  let w: Worker
  let dash: string
  let executor: RunExecutor
  const delegating: RunExecutor = { execute: (ctx) => executor.execute(ctx) }
  // Stands in for the renderer: the run's one CSV file, then success.
  const makesCsv: RunExecutor = {
    async execute(ctx) {
      await storeOutputs(t.tdb.database, ctx.run.id, [
        { dashboard: 0, mediaType: 'text/csv', filename: 'orders.csv', bytes: CSV },
      ])
      return { state: 'succeeded' }
    },
  }

  beforeAll(async () => {
    t = await createTestApp({ now: T0 })
    dash = await makeDashboard(t, org)
    w = worker(t.tdb.database, t.clock, delegating)
    await w.start()
  })
  afterAll(async () => {
    await w.stop(1000)
    await t.close()
  })

  const report = () =>
    makeReport(t, org, dash, 'default', {
      title: 'Orders by country',
      enabled: false,
      dashboards: [
        {
          folder: 'default',
          dashboard: dash,
          tabs: ['default'],
          variables: [],
          timerange: { type: 'relative', period: '1d', from: 0, to: 0 },
          report_type: 'csv',
          email_attachment_type: 'standard',
        },
      ],
    })
  const run = async (id: string, wait = 10) => {
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=${wait}`)
    return res.body.run_id as string
  }

  it('DONE: the job with its timespan, timezone, format and links', async () => {
    executor = makesCsv
    const runId = await run(await report())
    const res = await t.request('GET', `/api/v2/${org}/jobs/${runId}`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      job: {
        id: runId,
        name: 'Orders by country',
        timezone: 'Asia/Kolkata',
        status: 'DONE',
        format: 'csv',
        timespan: { from: new Date(T0 - 86_400_000).toISOString(), to: new Date(T0).toISOString() },
      },
      _links: {
        self: { href: `/api/v2/${org}/jobs/${runId}` },
        files: { href: `/api/v2/${org}/jobs/${runId}/files` },
      },
    })
    const files = await t.request('GET', res.body._links.files.href)
    expect(files.status).toBe(200)
    expect(files.body.files).toEqual([
      {
        name: 'orders.csv',
        media_type: 'text/csv',
        size: CSV.length,
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        href: expect.stringMatching(new RegExp(`/runs/${runId}/outputs/0$`)),
      },
    ])
    const file = await t.app.request(files.body.files[0].href, {
      headers: { authorization: t.root },
    })
    expect(file.status).toBe(200)
    expect(Buffer.from(await file.arrayBuffer()).equals(CSV)).toBe(true)
  })

  it('DONE with ?redirect=true answers 300 with Location of the files', async () => {
    executor = makesCsv
    const runId = await run(await report())
    const res = await t.request('GET', `/api/v2/${org}/jobs/${runId}?redirect=true`)
    expect(res.status).toBe(300)
    expect(res.headers.get('location')).toBe(`/api/v2/${org}/jobs/${runId}/files`)
    expect(res.body.job.status).toBe('DONE')
    // redirect=false, or no Accept of a file type: the job itself.
    expect((await t.request('GET', `/api/v2/${org}/jobs/${runId}?redirect=false`)).status).toBe(200)
    const json = await t.request('GET', `/api/v2/${org}/jobs/${runId}`, {
      headers: { accept: 'application/json, */*' },
    })
    expect(json.status).toBe(200)
  })

  it("DONE with an Accept of the file's type answers 300 with Location of that file", async () => {
    executor = makesCsv
    const runId = await run(await report())
    const res = await t.request('GET', `/api/v2/${org}/jobs/${runId}`, {
      headers: { accept: 'text/csv' },
    })
    expect(res.status).toBe(300)
    const location = res.headers.get('location')!
    expect(location).toMatch(new RegExp(`/runs/${runId}/outputs/0$`))
    const file = await t.app.request(location, { headers: { authorization: t.root } })
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8')
  })

  it('PROCESSING while it runs; files 409 with a description; redirect=true is no redirect', async () => {
    const g = gate()
    executor = g
    const id = await report()
    const runId = await run(id, 0)
    await g.started
    const res = await t.request('GET', `/api/v2/${org}/jobs/${runId}?redirect=true`)
    expect(res.status).toBe(200)
    expect(res.body.job.status).toBe('PROCESSING')
    // The window is known before the run records it.
    expect(res.body.job.timespan.to).toBe(new Date(T0).toISOString())
    const files = await t.request('GET', `/api/v2/${org}/jobs/${runId}/files`)
    expect(files.status).toBe(409)
    expect(files.body).toMatchObject({
      code: 409,
      error: 'conflict',
      message: 'The job is PROCESSING; it has no files',
      description: `Poll /api/v2/${org}/jobs/${runId} until its status is DONE.`,
    })
    g.release()
    await w.idle()
    expect((await t.request('GET', `/api/v2/${org}/jobs/${runId}`)).body.job.status).toBe('DONE')
  })

  it('FAILED when the run failed; its files 409 saying why', async () => {
    executor = { execute: async () => ({ state: 'failed', error: 'datasource unreachable' }) }
    const runId = await run(await report())
    const res = await t.request('GET', `/api/v2/${org}/jobs/${runId}?redirect=true`)
    expect(res.status).toBe(200)
    expect(res.body.job.status).toBe('FAILED')
    const files = await t.request('GET', `/api/v2/${org}/jobs/${runId}/files`)
    expect(files.status).toBe(409)
    expect(files.body.description).toBe(
      'The run ended failed: datasource unreachable. Run the report again.',
    )
  })

  it('DELETED once retention removed the files; files then 410', async () => {
    executor = makesCsv
    const id = await makeReport(t, org, dash, 'default', { enabled: false })
    const runId = await run(id)
    expect((await t.request('GET', `/api/v2/${org}/jobs/${runId}`)).body.job.status).toBe('DONE')
    // Outputs are stamped by the database's clock; purge as if 40 days after that.
    expect(await purgeOutputs(t.tdb.database, Date.now() + 40 * 86_400_000, 30)).toBeGreaterThan(0)
    const res = await t.request('GET', `/api/v2/${org}/jobs/${runId}?redirect=true`)
    expect(res.status).toBe(200)
    expect(res.body.job.status).toBe('DELETED')
    const files = await t.request('GET', `/api/v2/${org}/jobs/${runId}/files`)
    expect(files.status).toBe(410)
    expect(files.body).toMatchObject({
      code: 410,
      error: 'gone',
      message: 'The files of this job were deleted',
      description: expect.stringContaining('removed after the retention period'),
    })
  })

  it('404 for an unknown job, another org, or a report the caller may not see; 401 without credentials', async () => {
    const missing = await t.request('GET', `/api/v2/${org}/jobs/nope`)
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ code: 404, error: 'not_found', message: 'Job not found' })
    executor = makesCsv
    const runId = await run(await report())
    const elsewhere = await t.request('GET', `/api/v2/other_${org}/jobs/${runId}`)
    expect(elsewhere.status).toBe(404)
    const anon = await t.request('GET', `/api/v2/${org}/jobs/${runId}`, { auth: null })
    expect(anon.status).toBe(401)
    expect(anon.body).toMatchObject({ code: 401, error: 'unauthorized' })
    const bad = await t.request('GET', `/api/v2/${org}/jobs/${runId}?redirect=maybe`)
    expect(bad.status).toBe(400)
    // The seed's error shape: code, message, and the fields at fault with what is wrong.
    expect(bad.body).toMatchObject({
      code: 400,
      message: expect.any(String),
      fields: [{ name: 'redirect', description: expect.any(String) }],
    })
  })

  it('CREATED while queued', async () => {
    await w.stop(1000)
    const runId = await run(await report(), 0)
    const res = await t.request('GET', `/api/v2/${org}/jobs/${runId}`)
    expect(res.status).toBe(200)
    expect(res.body.job.status).toBe('CREATED')
    expect(res.body.job.timespan).toEqual({
      from: new Date(T0 - 86_400_000).toISOString(),
      to: new Date(T0).toISOString(),
    })
  })
})
