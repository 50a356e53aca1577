import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunExecutor } from '../../src/runs/executor.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { makeDashboard, makeReport } from '../helpers/factories.ts'
import { reportRow, runsOf, scheduler, worker } from '../helpers/runs.ts'

/**
 * Lookahead: the scheduler queues a run up to `lookaheadMs` before its slot, to wait there, so a
 * burst's scheduling is done before the burst. Workers still start it no earlier than the slot,
 * and a report changed meanwhile never sends for a slot it no longer has.
 */
const org = 'ahead'
const HOUR = 3_600_000
const LOOKAHEAD = 10_000
const T0 = Date.parse('2026-11-23T09:00:00Z')
const us = (ms: number) => ms * 1000

describe('scheduler lookahead', () => {
  let t: TestApp
  let dash: string
  let started: { reportId: string; at: number }[] = []
  const recording: RunExecutor = {
    async execute({ run }) {
      started.push({ reportId: run.reportId, at: t.clock.now() })
      return { state: 'succeeded' }
    },
  }

  beforeAll(async () => {
    t = await createTestApp({ now: T0 - HOUR })
    dash = await makeDashboard(t, org)
  })
  afterAll(() => t.close())

  const hourly = (start: number) => ({
    frequency: { type: 'hours', interval: 1, cron: '' },
    start: us(start),
    timezone: 'UTC',
    destinations: [],
  })

  async function setUp() {
    started = []
    t.clock.set(T0 - HOUR)
    const id = await makeReport(t, org, dash, 'default', hourly(T0))
    const s = scheduler(t.tdb.database, t.clock, { lookaheadMs: LOOKAHEAD })
    const w = worker(t.tdb.database, t.clock, recording, { concurrency: 4 })
    return { id, s, w }
  }

  it('queues the run ahead of its slot, and the worker starts it at the slot, not before', async () => {
    const { id, s, w } = await setUp()
    t.clock.set(T0 - LOOKAHEAD - 1)
    expect(await s.tick()).toBe(0)
    t.clock.set(T0 - 4000)
    expect(await s.tick()).toBe(1)
    const [run] = await runsOf(t.tdb.database, id)
    expect(run).toMatchObject({
      trigger: 'schedule',
      state: 'queued',
      scheduledFor: new Date(T0),
      runAfter: new Date(T0),
      createdAt: new Date(T0 - 4000),
    })
    const row = await reportRow(t.tdb.database, id)
    expect(row.nextRunAt?.getTime()).toBe(T0 + HOUR)
    // Triggered is when the slot is, not when the run was queued for it.
    expect(row.lastTriggeredAt?.getTime()).toBe(T0)
    // Before the slot a worker finds nothing to start; a second scheduler pass adds nothing.
    expect(await w.tick()).toBe(0)
    expect(await s.tick()).toBe(0)
    t.clock.set(T0)
    expect(await w.tick()).toBe(1)
    await w.idle()
    expect(started).toEqual([{ reportId: id, at: T0 }])
    const runs = await runsOf(t.tdb.database, id)
    expect(runs.map((r) => [r.state, r.startedAt?.getTime(), r.skippedSlots])).toEqual([
      ['succeeded', T0, 0],
    ])
  })

  it('a schedule change inside the window drops the queued run: the old slot never sends', async () => {
    const { id, s, w } = await setUp()
    t.clock.set(T0 - 5000)
    await s.tick()
    expect(await runsOf(t.tdb.database, id)).toHaveLength(1)
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}`, {
      body: {
        ...(await t.request('GET', `/api/v2/${org}/reports/${id}`)).body,
        ...hourly(T0 + 1800_000),
      },
    })
    expect(res.status).toBe(200)
    expect(await runsOf(t.tdb.database, id)).toEqual([])
    t.clock.set(T0 + 1000)
    await s.tick()
    expect(await w.tick()).toBe(0)
    await w.idle()
    expect(started).toEqual([])
    expect((await reportRow(t.tdb.database, id)).nextRunAt?.getTime()).toBe(T0 + 1800_000)
  })

  it('an edit that keeps the schedule keeps the queued run, which sends with the edit applied', async () => {
    const { id, s, w } = await setUp()
    t.clock.set(T0 - 5000)
    await s.tick()
    const before = (await t.request('GET', `/api/v2/${org}/reports/${id}`)).body
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}`, {
      body: { ...before, title: 'Renamed just before 09:00' },
    })
    expect(res.status).toBe(200)
    const runs = await runsOf(t.tdb.database, id)
    expect(runs.map((r) => [r.state, r.scheduledFor?.getTime()])).toEqual([['queued', T0]])
    t.clock.set(T0)
    expect(await w.tick()).toBe(1)
    await w.idle()
    expect(started).toEqual([{ reportId: id, at: T0 }])
  })

  it('disabling inside the window drops the queued run; enabling again plans the next slot', async () => {
    const { id, s, w } = await setUp()
    t.clock.set(T0 - 5000)
    await s.tick()
    const off = await t.request('PATCH', `/api/v2/${org}/reports/${id}/enable?value=false`)
    expect(off.body).toEqual({ enabled: false })
    expect(await runsOf(t.tdb.database, id)).toEqual([])
    t.clock.set(T0 + 1000)
    await t.request('PATCH', `/api/v2/${org}/reports/${id}/enable?value=true`)
    await s.tick()
    expect(await w.tick()).toBe(0)
    expect(started).toEqual([])
    expect((await reportRow(t.tdb.database, id)).nextRunAt?.getTime()).toBe(T0 + HOUR)
  })

  it('a queued-ahead run can be cancelled before its slot, and the slot is not run again', async () => {
    const { id, s, w } = await setUp()
    t.clock.set(T0 - 5000)
    await s.tick()
    const [run] = await runsOf(t.tdb.database, id)
    const res = await t.request('POST', `/api/v2/${org}/reports/${id}/runs/${run!.id}/cancel`)
    expect(res.status).toBe(200)
    t.clock.set(T0 + 1000)
    expect(await s.tick()).toBe(0)
    expect(await w.tick()).toBe(0)
    expect((await runsOf(t.tdb.database, id)).map((r) => r.state)).toEqual(['cancelled'])
  })
})
