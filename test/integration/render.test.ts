import { parse } from 'csv-parse/sync'
import { eq } from 'drizzle-orm'
import { PDFParse } from 'pdf-parse'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedSampleDashboard } from '../../src/dashboards/seed-sample.ts'
import { SampleDatabase } from '../../src/datasources/sample.ts'
import { sampleDashboard } from '../../src/datasources/sample-dashboard.ts'
import { deliveries, runOutputs } from '../../src/db/schema/index.ts'
import type { DeliveryResult } from '../../src/delivery/index.ts'
import { newId } from '../../src/lib/ids.ts'
import { isFinal } from '../../src/runs/model.ts'
import { ReportExecutor } from '../../src/runs/report-executor.ts'
import { RetentionJob } from '../../src/runs/retention.ts'
import type { Worker } from '../../src/runs/worker.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { waitFor } from '../helpers/db.ts'
import { dashboardBody, makeReport, unique } from '../helpers/factories.ts'
import { runsOf, scheduler, silent, worker } from '../helpers/runs.ts'

const org = 'default'
const T0 = Date.parse('2026-11-23T10:00:00Z')
const HOUR = 3_600_000
// Small enough for the slow-query test, with room for a loaded CI machine.
const TIMEOUT_MS = 4000
const MAX_ROWS = 1000
const ZONE = 'Asia/Kolkata'

const squash = (s: string) => s.replace(/\s+/g, ' ')

async function pdfText(pdf: Buffer): Promise<string> {
  const parser = new PDFParse({ data: new Uint8Array(pdf) })
  try {
    return squash((await parser.getText()).text)
  } finally {
    await parser.destroy()
  }
}

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('ascii')).toBe('PNG')
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR')
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) }
}

describe('rendering reports through the real executor', () => {
  // One sample database for the whole file: each costs seconds and ~350 MB.
  const sample = new SampleDatabase({ clock: { now: () => T0 }, log: silent })
  let t: TestApp
  let w: Worker
  let dash: string
  const delivered: string[] = []
  const deliveredOk: DeliveryResult = { kind: 'sent', deliveries: [] }
  /** One recipient waiting for a retry an hour from now: the run goes back to the queue. */
  const backingOff = (): DeliveryResult => ({
    kind: 'sent',
    deliveries: [
      {
        id: 'd1',
        runId: 'r',
        channel: 'email',
        recipient: 'ops@example.com',
        state: 'pending',
        attempts: 1,
        messageId: null,
        lastError: 'backing off',
        nextAttemptAt: new Date(t.clock.now() + HOUR),
        leaseExpiresAt: null,
        possibleDuplicate: false,
        sentAt: null,
      },
    ],
  })
  let deliverResult: DeliveryResult = deliveredOk

  beforeAll(async () => {
    t = await createTestApp({
      now: T0,
      sample,
      queryLimits: { timeoutMs: TIMEOUT_MS, maxRows: MAX_ROWS },
    })
    dash = (await seedSampleDashboard(t.tdb.database, t.clock, silent))!
    // Start and fill the sample database here, under the hook's longer timeout.
    await sample.exec('SELECT 1')
    const executor = new ReportExecutor({
      database: t.tdb.database,
      datasources: t.datasources,
      renderer: t.renderer,
      clock: t.clock,
      deliver: async (input) => {
        delivered.push(input.run.id)
        return deliverResult
      },
    })
    w = worker(t.tdb.database, t.clock, executor, { retryDelaysMs: [30_000] })
    await w.start()
  })
  afterAll(async () => {
    await w?.stop(1000)
    await t?.close()
    await sample.close()
  })

  const entry = (overrides: Record<string, unknown> = {}) => ({
    folder: 'default',
    dashboard: dash,
    tabs: ['default'],
    variables: [],
    timerange: { type: 'relative', period: '30d', from: 0, to: 0 },
    report_type: 'pdf',
    email_attachment_type: 'standard',
    ...overrides,
  })

  const cachedReport = (dashboards: unknown[], extra: Record<string, unknown> = {}) =>
    makeReport(t, org, dash, 'default', {
      dashboards,
      destinations: [],
      enabled: false,
      timezone: ZONE,
      ...extra,
    })

  // Each run a second after the last: "latest" is then well defined on the fake clock.
  const trigger = (id: string, body?: unknown) => {
    t.clock.advance(1000)
    return t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=60`, { body })
  }

  const runDetail = async (id: string, runId: string) =>
    (await t.request('GET', `/api/v2/${org}/reports/${id}/runs/${runId}`)).body

  async function outputOf(id: string, index = 0) {
    const res = await t.app.request(`/api/v2/${org}/reports/${id}/output?index=${index}`, {
      headers: { authorization: t.root },
    })
    return { res, bytes: Buffer.from(await res.arrayBuffer()) }
  }

  /** A dashboard with one panel on the sample datasource running `sql`. */
  async function sqlDashboard(title: string, sql: string): Promise<string> {
    const body = dashboardBody({
      tabs: [
        {
          tabId: 'default',
          name: 'Main',
          panels: [
            {
              id: 'p1',
              type: 'table',
              title,
              query: { datasource: 'sample', sql },
              layout: { x: 0, y: 0, w: 24, h: 8 },
            },
          ],
        },
      ],
    })
    const res = await t.request('POST', `/api/v2/${org}/dashboards`, { body })
    expect(res.status).toBe(200)
    return res.body.id
  }

  it('seeds the sample dashboard once', async () => {
    expect(await seedSampleDashboard(t.tdb.database, t.clock, silent)).toBeUndefined()
    const list = await t.request('GET', `/api/v2/${org}/dashboards`)
    const samples = list.body.list.filter((d: { title: string }) => d.title === 'Sample sales')
    expect(samples).toHaveLength(1)
    expect(samples[0].tabs[0].panels).toHaveLength(8)
  })

  it('a cached PDF report of the sample dashboard has its title, panels and range as text', async () => {
    const id = await cachedReport([entry()])
    const res = await trigger(id)
    expect(res.status, res.text).toBe(200)
    const run = await runDetail(id, res.body.run_id)
    expect(run.outputs).toEqual([
      expect.objectContaining({
        index: 0,
        media_type: 'application/pdf',
        filename: 'Sample sales.pdf',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    ])
    expect(delivered).not.toContain(res.body.run_id)
    const { res: out, bytes } = await outputOf(id)
    expect(out.status).toBe(200)
    expect(out.headers.get('content-type')).toBe('application/pdf')
    expect(out.headers.get('content-disposition')).toBe('attachment; filename="Sample sales.pdf"')
    expect(out.headers.get('x-herald-run-id')).toBe(res.body.run_id)
    expect(bytes.subarray(0, 5).toString('ascii')).toBe('%PDF-')
    expect(bytes.length).toBe(run.outputs[0].size)
    const text = await pdfText(bytes)
    expect(text).toContain('Sample sales')
    for (const panel of sampleDashboard.tabs[0]!.panels) expect(text).toContain(panel.title)
    // 30 days ending at the run, in the report's zone.
    expect(text).toContain('2026-10-24 15:30 – 2026-11-23 15:30 (Asia/Kolkata)')
    // Table cells and chart labels come from the query results.
    expect(text).toContain('United States')
  })

  it('a PNG report has the requested attachment_dimensions', async () => {
    const id = await cachedReport([
      entry({ report_type: 'png', attachment_dimensions: { width: 1200, height: 900 } }),
    ])
    const res = await trigger(id)
    expect(res.status, res.text).toBe(200)
    const { res: out, bytes } = await outputOf(id)
    expect(out.headers.get('content-type')).toBe('image/png')
    expect(pngSize(bytes)).toEqual({ width: 1200, height: 900 })
  })

  it('a CSV report has one file per data panel that parses back to the query rows', async () => {
    const id = await cachedReport([entry({ report_type: 'csv' })])
    const res = await trigger(id)
    expect(res.status, res.text).toBe(200)
    const run = await runDetail(id, res.body.run_id)
    const dataPanels = sampleDashboard.tabs[0]!.panels.filter((p) => p.query)
    expect(run.outputs.map((o: { filename: string }) => o.filename)).toEqual(
      dataPanels.map((p) => `${p.title}.csv`),
    )
    const byCountry = run.outputs.findIndex(
      (o: { filename: string }) => o.filename === 'Revenue by country.csv',
    )
    const { res: out, bytes } = await outputOf(id, byCountry)
    expect(out.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const records = parse(bytes.toString('utf8')) as string[][]
    const { from, to } = run.parameters.ranges[0]
    const expected = await sample.exec(
      `SELECT country, sum(amount) AS revenue FROM orders
       WHERE created_at >= $1 AND created_at < $2 AND status = 'completed'
       GROUP BY 1 ORDER BY 2 DESC`,
      [from, to],
    )
    expect(records[0]).toEqual(['country', 'revenue'])
    expect(records.slice(1)).toEqual(expected.rows.map((r) => [r.country, String(r.revenue)]))
    expect(records.length).toBeGreaterThan(5)

    // Daily buckets fall on local midnights and read as such, with the report's offset.
    const perDay = run.outputs.findIndex(
      (o: { filename: string }) => o.filename === 'Orders per day.csv',
    )
    const days = (parse((await outputOf(id, perDay)).bytes.toString('utf8')) as string[][]).slice(1)
    expect(days.length).toBeGreaterThanOrEqual(30)
    for (const [day] of days) expect(day).toMatch(/T00:00:00\.000\+05:30$/)
  })

  /** A dashboard of three tabs, each one table panel on the sample datasource. */
  async function threeTabDashboard(): Promise<string> {
    const tab = (tabId: string, name: string, title: string, sql: string) => ({
      tabId,
      name,
      panels: [
        {
          id: `${tabId}-p`,
          type: 'table',
          title,
          query: { datasource: 'sample', sql },
          layout: { x: 0, y: 0, w: 24, h: 6 },
        },
      ],
    })
    const body = dashboardBody({
      title: 'Regions',
      tabs: [
        tab('eu', 'Europe', 'Europe orders', "SELECT 'eu' AS region, 11 AS orders"),
        tab('us', 'Americas', 'Americas orders', "SELECT 'us' AS region, 22 AS orders"),
        tab('asia', 'Asia', 'Asia orders', "SELECT 'asia' AS region, 33 AS orders"),
      ],
    })
    const res = await t.request('POST', `/api/v2/${org}/dashboards`, { body })
    expect(res.status, res.text).toBe(200)
    return res.body.id
  }

  it('renders every tab the entry lists, in its order: PDF a section each, PNG and CSV a file each', async () => {
    const d = await threeTabDashboard()
    const tabs = ['asia', 'eu']
    // A dashboard appears once per report: a report per format.
    const runOf = async (report_type: string) => {
      const id = await cachedReport([entry({ dashboard: d, tabs, report_type })])
      const res = await trigger(id)
      expect(res.status, res.text).toBe(200)
      const run = await runDetail(id, res.body.run_id)
      return { id, names: run.outputs.map((o: { filename: string }) => o.filename) }
    }
    const [pdf, png, csv] = [await runOf('pdf'), await runOf('png'), await runOf('csv')]
    expect(pdf.names).toEqual(['Regions.pdf'])
    expect(png.names).toEqual(['Regions - Asia.png', 'Regions - Europe.png'])
    expect(csv.names).toEqual(['Asia - Asia orders.csv', 'Europe - Europe orders.csv'])

    // The PDF: each tab from a page of its own, under a header naming it; the unlisted tab absent.
    const parser = new PDFParse({ data: new Uint8Array((await outputOf(pdf.id, 0)).bytes) })
    const pages = (await parser.getText()).pages.map((p) => squash(p.text))
    await parser.destroy()
    const label = '2026-10-24 15:30 – 2026-11-23 15:30 (Asia/Kolkata)'
    expect(pages).toHaveLength(2)
    expect(pages[0]).toContain(`Asia · ${label}`)
    expect(pages[0]).toContain('Asia orders')
    expect(pages[0]).toContain('33')
    expect(pages[0]).toContain('Regions · Asia')
    expect(pages[0]).not.toContain('Europe')
    expect(pages[1]).toContain(`Europe · ${label}`)
    expect(pages[1]).toContain('Europe orders')
    expect(pages[1]).toContain('Regions · Europe')
    expect(pages.join(' ')).not.toContain('Americas')

    // Two images, one per tab, of different content.
    const [asiaPng, euPng] = [await outputOf(png.id, 0), await outputOf(png.id, 1)]
    expect(asiaPng.res.headers.get('content-type')).toBe('image/png')
    expect(pngSize(asiaPng.bytes).width).toBe(1370)
    expect(asiaPng.bytes.equals(euPng.bytes)).toBe(false)

    // One CSV per data panel of each tab.
    expect(parse((await outputOf(csv.id, 0)).bytes.toString('utf8'))).toEqual([
      ['region', 'orders'],
      ['asia', '33'],
    ])
    expect(parse((await outputOf(csv.id, 1)).bytes.toString('utf8'))).toEqual([
      ['region', 'orders'],
      ['eu', '11'],
    ])
  })

  it('a tab the dashboard no longer has fails the run, naming it', async () => {
    const d = await threeTabDashboard()
    const id = await cachedReport([entry({ dashboard: d, tabs: ['eu', 'us'] })])
    const def = (await t.request('GET', `/api/v2/${org}/dashboards/${d}`)).body
    const put = await t.request('PUT', `/api/v2/${org}/dashboards/${d}`, {
      body: { ...dashboardBody({ title: 'Regions' }), tabs: def.tabs.slice(0, 1) },
    })
    expect(put.status, put.text).toBe(200)
    const res = await trigger(id)
    expect(res.status, res.text).toBe(500)
    expect(res.body.message).toBe('Dashboard "Regions" has no tab "us"')
  })

  it('binds report and trigger variables: a hostile value stays an inert literal', async () => {
    const hostile = "'; DROP TABLE orders; --"
    const id = await cachedReport([
      entry({ report_type: 'csv', variables: [{ key: 'country', value: hostile }] }),
    ])
    const res = await trigger(id)
    expect(res.status, res.text).toBe(200)
    const run = await runDetail(id, res.body.run_id)
    const { bytes } = await outputOf(
      id,
      run.outputs.findIndex((o: { filename: string }) => o.filename === 'Orders.csv'),
    )
    expect(parse(bytes.toString('utf8'))).toEqual([['orders'], ['0']])
    const still = await sample.exec('SELECT count(*)::int AS n FROM orders')
    expect(still.rows[0]?.n).toBeGreaterThan(1000)

    // A trigger's override replaces the report's value; a multi-value variable stays a list.
    const again = await trigger(id, { variables: { country: ['France', 'Japan'] } })
    expect(again.status, again.text).toBe(200)
    const run2 = await runDetail(id, again.body.run_id)
    const byCountry = run2.outputs.findIndex(
      (o: { filename: string }) => o.filename === 'Revenue by country.csv',
    )
    const rows = parse((await outputOf(id, byCountry)).bytes.toString('utf8')) as string[][]
    expect(
      rows
        .slice(1)
        .map((r) => r[0])
        .sort(),
    ).toEqual(['France', 'Japan'])
  })

  async function expectFailure(sql: string, title: string, error: RegExp) {
    const d = await sqlDashboard(title, sql)
    const id = await cachedReport([entry({ dashboard: d })])
    const started = performance.now()
    const res = await trigger(id)
    const elapsed = performance.now() - started
    expect(res.status, res.text).toBe(500)
    expect(res.body.state).toBe('failed')
    expect(res.body.message).toMatch(error)
    expect(res.body.message.startsWith(`Panel "${title}": `)).toBe(true)
    // Final at once: no retries for what would fail the same way.
    const run = await runDetail(id, res.body.run_id)
    expect(run.attempt).toBe(1)
    expect(run.outputs).toEqual([])
    return elapsed
  }

  it('fails a run whose panel SQL is wrong, naming the panel', async () => {
    await expectFailure(
      'SELECT * FROM no_such_table',
      'Revenue by country',
      /relation "no_such_table" does not exist/,
    )
  })

  it('a slow query fails the run within the time limit, and the next run succeeds', async () => {
    const elapsed = await expectFailure(
      'SELECT pg_sleep(30)',
      'Slow panel',
      new RegExp(`did not finish within ${TIMEOUT_MS} ms`),
    )
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 5000)
    // The process stayed responsive, and the sample database comes back for the next run.
    expect((await t.request('GET', '/healthz', { auth: null })).status).toBe(200)
    const id = await cachedReport([entry()])
    const res = await trigger(id)
    expect(res.status, res.text).toBe(200)
    // The killed thread is replaced by a fresh one, refilled: slow on a loaded machine.
  }, 90_000)

  it('refuses writes: only one read-only query is saved (test/security covers run time)', async () => {
    for (const [write, reason] of [
      ["INSERT INTO orders VALUES (999999, now(), 'x', 'y', 1, 'completed')", /found INSERT/],
      ['DROP TABLE orders', /found DROP/],
      ['SELECT 1; DROP TABLE orders', /only one statement is allowed/],
    ] as const) {
      const body = dashboardBody({
        tabs: [
          {
            tabId: 'default',
            name: 'Main',
            panels: [{ id: 'p1', type: 'table', query: { datasource: 'sample', sql: write } }],
          },
        ],
      })
      const res = await t.request('POST', `/api/v2/${org}/dashboards`, { body })
      expect(res.status, res.text).toBe(400)
      expect(res.body.message).toMatch(reason)
    }
    const still = await sample.exec('SELECT count(*)::int AS n FROM orders')
    expect(still.rows[0]?.n).toBeGreaterThan(1000)
  })

  it('caps the rows a panel may return', async () => {
    await expectFailure(
      'SELECT g FROM generate_series(1, 5000) AS g',
      'Too many rows',
      new RegExp(`more than ${MAX_ROWS} rows`),
    )
    // At the cap exactly is fine.
    const d = await sqlDashboard('Just enough', `SELECT g FROM generate_series(1, ${MAX_ROWS}) g`)
    const id = await cachedReport([entry({ dashboard: d, report_type: 'csv' })])
    expect((await trigger(id)).status).toBe(200)
  })

  it('hands reports with recipients to delivery with the stored outputs', async () => {
    const id = await makeReport(t, org, dash, 'default', {
      dashboards: [entry()],
      destinations: [{ email: 'ops@example.com' }],
      enabled: false,
      imagePreview: true,
    })
    const res = await trigger(id)
    expect(res.status, res.text).toBe(200)
    expect(delivered).toContain(res.body.run_id)
    const run = await runDetail(id, res.body.run_id)
    // The PDF, and the inline PNG preview imagePreview asks for.
    expect(run.outputs.map((o: { media_type: string }) => o.media_type)).toEqual([
      'application/pdf',
      'image/png',
    ])
  })

  /**
   * A report with a recipient whose delivery backs off once, then succeeds on the next pass.
   * `between` runs while the run waits in the queue. Returns the run id.
   */
  async function twoPasses(
    dashboards: unknown[],
    between: (runId: string) => Promise<void> = async () => {},
  ): Promise<string> {
    deliverResult = backingOff()
    try {
      const id = await makeReport(t, org, dash, 'default', {
        dashboards,
        destinations: [{ email: 'ops@example.com' }],
        enabled: false,
      })
      const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=0`)
      const runId = res.body.run_id as string
      // The worker picks the run up on its own (NOTIFY); wait until it went back to the queue.
      await waitFor('the first pass', async () => (delivered.includes(runId) ? true : undefined))
      await w.idle()
      expect((await runsOf(t.tdb.database, id))[0]?.state).toBe('queued')
      await between(runId)
      deliverResult = deliveredOk
      t.clock.advance(HOUR + 60_000)
      await w.tick()
      await w.idle()
      expect((await runsOf(t.tdb.database, id))[0]?.state).toBe('succeeded')
      expect(delivered.filter((r) => r === runId)).toHaveLength(2)
      return runId
    } finally {
      deliverResult = deliveredOk
    }
  }

  const storedOutputs = (runId: string) =>
    t.tdb.database.db
      .select({ index: runOutputs.index, sha256: runOutputs.sha256 })
      .from(runOutputs)
      .where(eq(runOutputs.runId, runId))
      .orderBy(runOutputs.index)

  it('a run rendered again replaces its outputs instead of adding to them', async () => {
    const runId = await twoPasses([entry({ report_type: 'csv' })])
    expect((await storedOutputs(runId)).map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6])
  })

  it('once delivery has begun, later passes send the stored files, not a new render', async () => {
    let before: { index: number; sha256: string }[] = []
    const runId = await twoPasses([entry()], async (id) => {
      // What the delivery ledger holds once a first pass went out.
      await t.tdb.database.db
        .insert(deliveries)
        .values({ id: newId(), runId: id, recipient: 'ops@example.com', state: 'pending' })
      before = await storedOutputs(id)
    })
    // A new render an hour later would differ (its generated-at line): the bytes are the same.
    expect(before).toHaveLength(1)
    expect(await storedOutputs(runId)).toEqual(before)
  })

  it('GET …/output is a 404 envelope until a run succeeded', async () => {
    const id = await cachedReport([entry()])
    const res = await t.request('GET', `/api/v2/${org}/reports/${id}/output`)
    expect(res.status).toBe(404)
    expect(res.body).toMatchObject({ code: 404, error: 'not_found' })
    const other = await t.request('GET', `/api/v2/elsewhere/reports/${id}/output`)
    expect(other.status).toBe(404)
  })

  it('GET …/output serves the latest PDF after scheduled runs', async () => {
    t.clock.set(T0)
    const id = await makeReport(t, org, dash, 'default', {
      dashboards: [entry({ timerange: { type: 'relative', period: '1d', from: 0, to: 0 } })],
      destinations: [],
      enabled: true,
      timezone: 'UTC',
      frequency: { type: 'hours', interval: 1, cron: '' },
      start: (T0 + HOUR) * 1000,
    })
    const s = scheduler(t.tdb.database, t.clock)
    // The worker also hears the scheduler's NOTIFY: wait for the slot's run to finish.
    const runSlot = async (at: number, slot: number) => {
      t.clock.set(at)
      await s.tick()
      await w.tick()
      return waitFor(`slot ${slot} finished`, async () => {
        const runs = await runsOf(t.tdb.database, id)
        return runs.length === slot && runs.every((r) => isFinal(r.state)) ? runs : undefined
      })
    }
    await runSlot(T0 + HOUR + 1000, 1)
    const runs = await runSlot(T0 + 2 * HOUR + 1000, 2)
    expect(runs.map((r) => [r.trigger, r.state, r.error])).toEqual([
      ['schedule', 'succeeded', null],
      ['schedule', 'succeeded', null],
    ])
    const { res, bytes } = await outputOf(id)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-herald-run-id')).toBe(runs[1]!.id)
    const text = await pdfText(bytes)
    expect(text).toContain('2026-11-22 12:00 – 2026-11-23 12:00 (UTC)')
    t.clock.set(T0)
  })

  it('previews a dashboard as PDF, PNG or one panel as CSV for whoever may get it', async () => {
    t.clock.set(T0)
    const viewer = await t.member(org, ['viewer'])
    const pdf = await t.app.request(
      `/api/v2/${org}/dashboards/${dash}/render?format=pdf&period=7d&timezone=${ZONE}`,
      { method: 'POST', headers: { authorization: viewer } },
    )
    expect(pdf.status).toBe(200)
    expect(pdf.headers.get('content-disposition')).toBe('attachment; filename="Sample sales.pdf"')
    const text = await pdfText(Buffer.from(await pdf.arrayBuffer()))
    expect(text).toContain('2026-11-16 15:30 – 2026-11-23 15:30 (Asia/Kolkata)')

    const png = await t.app.request(
      `/api/v2/${org}/dashboards/${dash}/render?format=png&width=800&height=600`,
      { method: 'POST', headers: { authorization: viewer } },
    )
    expect(pngSize(Buffer.from(await png.arrayBuffer()))).toEqual({ width: 800, height: 600 })

    const csv = await t.app.request(
      `/api/v2/${org}/dashboards/${dash}/render?format=csv&panel=orders-by-status`,
      {
        method: 'POST',
        headers: { authorization: viewer, 'content-type': 'application/json' },
        body: JSON.stringify({ variables: { country: ['Germany'] } }),
      },
    )
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-disposition')).toBe(
      'attachment; filename="Orders by status.csv"',
    )
    const rows = parse(await csv.text()) as string[][]
    expect(rows[0]).toEqual(['status', 'orders'])
    expect(rows.slice(1).map((r) => r[0])).toContain('completed')
  })

  it('preview errors are envelopes: bad SQL 400 naming the panel, unknown ids 404', async () => {
    const d = await sqlDashboard('Broken', 'SELECT nope FROM orders')
    const bad = await t.request('POST', `/api/v2/${org}/dashboards/${d}/render`)
    expect(bad.status).toBe(400)
    expect(bad.body.message).toMatch(/^Panel "Broken": column "nope" does not exist/)
    const missing = await t.request('POST', `/api/v2/${org}/dashboards/nope/render`)
    expect(missing.status).toBe(404)
    const panel = await t.request(
      'POST',
      `/api/v2/${org}/dashboards/${dash}/render?format=csv&panel=x`,
    )
    expect(panel.status).toBe(404)
    const format = await t.request('POST', `/api/v2/${org}/dashboards/${dash}/render?format=doc`)
    expect(format.status).toBe(400)
    const outsider = await t.member(unique('elsewhere'), ['admin'])
    const hidden = await t.request('POST', `/api/v2/${org}/dashboards/${dash}/render`, {
      auth: outsider,
    })
    expect(hidden.status).toBe(403)
  })

  it('purges outputs past the retention period, keeping each cached report’s latest', async () => {
    t.clock.set(T0)
    const cached = await cachedReport([entry({ report_type: 'csv' })])
    const first = (await trigger(cached)).body.run_id
    const latest = (await trigger(cached)).body.run_id
    const emailed = await makeReport(t, org, dash, 'default', {
      dashboards: [entry({ report_type: 'csv' })],
      destinations: [{ email: 'ops@example.com' }],
      enabled: false,
    })
    const sent = (await trigger(emailed)).body.run_id
    const count = async (runId: string) =>
      (
        await t.tdb.database.db
          .select({ i: runOutputs.index })
          .from(runOutputs)
          .where(eq(runOutputs.runId, runId))
      ).length
    expect(await count(first)).toBe(7)

    const job = new RetentionJob({
      database: t.tdb.database,
      clock: t.clock,
      log: silent,
      retentionDays: 30,
    })
    t.clock.set(T0 + 29 * 24 * HOUR)
    expect(await job.runOnce()).toBe(0)
    t.clock.set(T0 + 31 * 24 * HOUR)
    expect(await job.runOnce()).toBeGreaterThanOrEqual(14)
    expect(await count(first)).toBe(0)
    expect(await count(sent)).toBe(0)
    expect(await count(latest)).toBe(7)
    const { res } = await outputOf(cached)
    expect(res.status).toBe(200)
    expect(res.headers.get('x-herald-run-id')).toBe(latest)
    t.clock.set(T0)
  })
})
