import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { RunExecutor } from '../../src/runs/executor.ts'
import type { Worker } from '../../src/runs/worker.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { makeDashboard, makeReport } from '../helpers/factories.ts'
import { gate, recordOnlyExecutor, runsOf, worker } from '../helpers/runs.ts'

const org = 'runs'
const T0 = Date.parse('2026-11-23T10:00:00Z')

describe('trigger, run history and the worker', () => {
  let t: TestApp
  let dash: string
  // Each test starts the workers it needs with its own executor; none outlives its test.
  const started: Worker[] = []
  async function startWorker(executor: RunExecutor, opts: Parameters<typeof worker>[3] = {}) {
    const w = worker(t.tdb.database, t.clock, executor, {
      retryDelaysMs: [30_000, 120_000, 480_000],
      ...opts,
    })
    started.push(w)
    await w.start()
    return w
  }

  beforeAll(async () => {
    t = await createTestApp({ now: T0 })
    dash = await makeDashboard(t, org)
  })
  afterEach(async () => {
    for (const w of started.splice(0)) await w.stop(1000)
    t.clock.set(T0)
  })
  afterAll(async () => {
    await t.close()
  })

  const cached = () => makeReport(t, org, dash, 'default', { destinations: [], enabled: false })

  it('trigger with wait returns 200 and the run id when the run succeeds (disabled reports too)', async () => {
    await startWorker(recordOnlyExecutor)
    const id = await cached()
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      code: 200,
      message: 'Report triggered',
      run_id: expect.any(String),
      state: 'succeeded',
    })
    const run = await t.request('GET', `/api/v2/${org}/reports/${id}/runs/${res.body.run_id}`)
    expect(run.body).toMatchObject({
      run_id: res.body.run_id,
      report_id: id,
      trigger: 'manual',
      state: 'succeeded',
      attempt: 1,
      error: null,
      outputs: [],
      deliveries: [],
      parameters: {
        timezone: 'Asia/Kolkata',
        ranges: [{ from: expect.any(String), to: new Date(T0).toISOString() }],
      },
    })
    // 30m relative range ending at the run's creation.
    expect(Date.parse(run.body.parameters.ranges[0].from)).toBe(T0 - 30 * 60_000)
  })

  it('trigger returns 500 with the error when the run fails, never a pretend success', async () => {
    await startWorker(recordOnlyExecutor)
    const id = await makeReport(t, org, dash)
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger`)
    expect(res.status).toBe(500)
    expect(res.body).toMatchObject({
      code: 500,
      message: 'Email delivery is not configured on this server',
      run_id: expect.any(String),
      state: 'failed',
    })
  })

  it('trigger returns 202 with Location when the wait elapses; ?wait=0 at once', async () => {
    const g = gate()
    const w = await startWorker(g)
    const id = await cached()
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=1`)
    expect(res.status).toBe(202)
    expect(res.body).toMatchObject({ code: 202, run_id: expect.any(String), state: 'running' })
    expect(res.headers.get('location')).toBe(`/api/v2/${org}/reports/${id}/runs/${res.body.run_id}`)
    g.release()
    await w.idle()
    const now = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=0`)
    expect(now.status).toBe(202)
    expect(now.body.state).toBe('queued')
    await w.idle()
  })

  it('resolves time-range phrases in the report timezone and records them', async () => {
    await startWorker(recordOnlyExecutor)
    const id = await cached()
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger`, {
      body: {
        timerange: { from: 'yesterday', to: 'today 00:00' },
        variables: { country: ['IN', 'DE'] },
      },
    })
    expect(res.status).toBe(200)
    const run = await t.request('GET', `/api/v2/${org}/reports/${id}/runs/${res.body.run_id}`)
    // Midnight in Asia/Kolkata is 18:30 UTC the day before.
    expect(run.body.parameters).toMatchObject({
      override_range: { from: '2026-11-21T18:30:00.000Z', to: '2026-11-22T18:30:00.000Z' },
      variables: { country: ['IN', 'DE'] },
    })
  })

  it('refuses unknown phrases with a field error', async () => {
    await startWorker(recordOnlyExecutor)
    const id = await cached()
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger`, {
      body: { timerange: { from: 'the day before never', to: 'now' } },
    })
    expect(res.status).toBe(400)
    expect(res.body.fields[0].name).toBe('timerange.from')
  })

  it('a failing run retries with backoff, then fails', async () => {
    const w = await startWorker({
      async execute() {
        throw new Error('renderer exploded')
      },
    })
    const id = await cached()
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=0`)
    // On PostgreSQL the NOTIFY arrives asynchronously; don't race it.
    w.poke()
    await w.idle()
    let [run] = await runsOf(t.tdb.database, id)
    expect(run).toMatchObject({ state: 'queued', attempt: 2, error: 'renderer exploded' })
    expect(run!.runAfter.getTime()).toBe(t.clock.now() + 30_000)
    for (const delay of [30_000, 120_000, 480_000]) {
      t.clock.advance(delay)
      await w.tick()
      await w.idle()
    }
    ;[run] = await runsOf(t.tdb.database, id)
    expect(run).toMatchObject({ state: 'failed', attempt: 4, error: 'renderer exploded' })
    const listed = await t.request('GET', `/api/v2/${org}/reports/${id}/runs`)
    expect(listed.body.list[0]).toMatchObject({
      run_id: res.body.run_id,
      state: 'failed',
      attempt: 4,
    })
  })

  it('a run whose worker vanished is requeued after its lease expires and completes once', async () => {
    // A worker claims the run and "dies" (never finishes, never renews); it is never started,
    // so nothing but the rescuer below can pick the run up.
    const id2 = await cached()
    const dead = worker(t.tdb.database, t.clock, recordOnlyExecutor, { leaseMs: 10_000 })
    await t.request('PUT', `/api/v2/${org}/reports/${id2}/trigger?wait=0`)
    const [claimed] = await dead.claim(1)
    expect(claimed?.run.reportId).toBe(id2)
    expect(claimed?.report?.id).toBe(id2)
    t.clock.advance(11_000)
    const rescuer = worker(t.tdb.database, t.clock, recordOnlyExecutor)
    started.push(rescuer)
    expect(await rescuer.reapExpired()).toBe(1)
    await rescuer.tick()
    await rescuer.idle()
    const runs = await runsOf(t.tdb.database, id2)
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ state: 'succeeded', attempt: 2 })
  })

  it('lists runs with filters, order and cursor; cancels queued runs only', async () => {
    // No worker: the runs stay queued while the list is read.
    const id = await cached()
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      t.clock.advance(1000)
      ids.push((await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=0`)).body.run_id)
    }
    const page1 = await t.request('GET', `/api/v2/${org}/reports/${id}/runs?limit=2&order=asc`)
    expect(page1.body.list.map((r: { run_id: string }) => r.run_id)).toEqual(ids.slice(0, 2))
    const page2 = await t.request(
      'GET',
      `/api/v2/${org}/reports/${id}/runs?limit=2&order=asc&cursor=${page1.body.next_cursor}`,
    )
    expect(page2.body.list.map((r: { run_id: string }) => r.run_id)).toEqual(ids.slice(2, 4))
    const desc = await t.request('GET', `/api/v2/${org}/reports/${id}/runs?limit=1`)
    expect(desc.body.list[0].run_id).toBe(ids[4])
    const since = new Date(t.clock.now() - 2500).toISOString()
    const filtered = await t.request(
      'GET',
      `/api/v2/${org}/reports/${id}/runs?filter=created_at.gt.${since}`,
    )
    expect(filtered.body.list.map((r: { run_id: string }) => r.run_id)).toEqual(
      ids.slice(2).reverse(),
    )
    const bad = await t.request('GET', `/api/v2/${org}/reports/${id}/runs?filter=created_at.eq.x`)
    expect(bad.status).toBe(400)
    const cancelled = await t.request('POST', `/api/v2/${org}/reports/${id}/runs/${ids[0]}/cancel`)
    expect(cancelled.body).toMatchObject({ run_id: ids[0], state: 'cancelled' })
    const again = await t.request('POST', `/api/v2/${org}/reports/${id}/runs/${ids[0]}/cancel`)
    expect(again.status).toBe(409)
    const queued = await t.request('GET', `/api/v2/${org}/reports/${id}/runs?state=queued`)
    expect(queued.body.list).toHaveLength(4)
  })

  it('v1 trigger works by name in the default folder', async () => {
    await startWorker(recordOnlyExecutor)
    await makeReport(t, org, dash, 'default', { name: 'v1_named', destinations: [] })
    const res = await t.request('PUT', `/api/${org}/reports/v1_named/trigger`)
    expect(res.status).toBe(200)
    expect(res.body.message).toBe('Report triggered')
    expect((await t.request('PUT', `/api/${org}/reports/missing/trigger`)).status).toBe(404)
  })

  it('schedule preview agrees with the report the scheduler would run', async () => {
    const body = {
      frequency: { type: 'days', interval: 1, cron: '' },
      start: Date.parse('2026-03-01T09:00:00+01:00') * 1000,
      timezone: 'Europe/Berlin',
      timezoneOffset: 60,
      count: 3,
    }
    t.clock.set(Date.parse('2026-03-28T12:00:00Z'))
    const res = await t.request('POST', `/api/v2/${org}/reports/schedule/preview`, { body })
    expect(res.status).toBe(200)
    expect(res.body.next_iso).toEqual([
      '2026-03-29T09:00:00+02:00',
      '2026-03-30T09:00:00+02:00',
      '2026-03-31T09:00:00+02:00',
    ])
    const id = await makeReport(t, org, dash, 'default', { ...body, destinations: [] })
    const got = await t.request('GET', `/api/v2/${org}/reports/${id}`)
    expect(got.body.nextRunAt).toBe(res.body.next[0])
    const bad = await t.request('POST', `/api/v2/${org}/reports/schedule/preview`, {
      body: { ...body, frequency: { type: 'cron', cron: 'nonsense' } },
    })
    expect(bad.status).toBe(400)
    expect(bad.body.fields[0].name).toBe('frequency.cron')
  })
})
