import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { makeDashboard, makeFolder, makeReport } from '../helpers/factories.ts'
import { recordOnlyExecutor, reportRow, runsOf, scheduler, worker } from '../helpers/runs.ts'

const org = 'sched'
const HOUR = 3_600_000
const T0 = Date.parse('2026-11-23T10:00:00Z')
const us = (ms: number) => ms * 1000

describe('scheduler', () => {
  let t: TestApp
  let dash: string

  beforeAll(async () => {
    t = await createTestApp({ now: T0 - 30 * 60_000 })
    dash = await makeDashboard(t, org)
  })
  afterAll(() => t.close())

  const hourly = (start: number, extra: Record<string, unknown> = {}) => ({
    frequency: { type: 'hours', interval: 1, cron: '' },
    start: us(start),
    timezone: 'UTC',
    destinations: [],
    ...extra,
  })

  it('fires each slot once, on the grid, and records last_triggered_at', async () => {
    t.clock.set(T0 - 30 * 60_000)
    const id = await makeReport(t, org, dash, 'default', hourly(T0))
    const s = scheduler(t.tdb.database, t.clock)
    expect(await s.tick()).toBe(0)
    t.clock.set(T0 + 1234)
    await s.tick()
    await s.tick()
    let runs = await runsOf(t.tdb.database, id)
    expect(runs.map((r) => [r.trigger, r.state, r.scheduledFor?.toISOString()])).toEqual([
      ['schedule', 'queued', new Date(T0).toISOString()],
    ])
    const row = await reportRow(t.tdb.database, id)
    expect(row.nextRunAt?.toISOString()).toBe(new Date(T0 + HOUR).toISOString())
    expect(row.lastTriggeredAt?.getTime()).toBe(T0 + 1234)
    // The next slot is computed from the planned time: a late tick does not drift the grid.
    t.clock.set(T0 + HOUR + 5 * 60_000)
    await s.tick()
    runs = await runsOf(t.tdb.database, id)
    expect(runs.map((r) => r.scheduledFor?.getTime())).toEqual([T0, T0 + HOUR])
    expect((await reportRow(t.tdb.database, id)).nextRunAt?.getTime()).toBe(T0 + 2 * HOUR)
    const list = await t.request('GET', `/api/v2/${org}/reports?folder=default`)
    const item = list.body.find((r: { report_id: string }) => r.report_id === id)
    expect(item.last_triggered_at).toBe(us(T0 + HOUR + 5 * 60_000))
    expect(item.next_run_at).toBe(us(T0 + 2 * HOUR))
    expect(item.last_run).toMatchObject({ state: 'queued', trigger: 'schedule' })
  })

  it('after downtime across 5 slots runs one catch-up with 4 skipped, then resumes on the grid', async () => {
    t.clock.set(T0 - 30 * 60_000)
    const id = await makeReport(t, org, dash, 'default', hourly(T0))
    const s = scheduler(t.tdb.database, t.clock)
    // Down from before T0 until after the 5th slot (T0 + 4h).
    t.clock.set(T0 + 4 * HOUR + 10 * 60_000)
    await s.tick()
    const runs = await runsOf(t.tdb.database, id)
    expect(runs).toHaveLength(1)
    expect(runs[0]).toMatchObject({ skippedSlots: 4, scheduledFor: new Date(T0 + 4 * HOUR) })
    expect((await reportRow(t.tdb.database, id)).nextRunAt?.getTime()).toBe(T0 + 5 * HOUR)
    t.clock.set(T0 + 5 * HOUR)
    await s.tick()
    expect((await runsOf(t.tdb.database, id)).map((r) => r.skippedSlots)).toEqual([4, 0])
    const detail = await t.request('GET', `/api/v2/${org}/reports/${id}/runs/${runs[0]!.id}`)
    expect(detail.body).toMatchObject({ skipped_slots: 4, trigger: 'schedule' })
  })

  it('editing, enabling and moving a report whose start is past creates no run until its next slot', async () => {
    t.clock.set(T0 + 10 * 60_000)
    // Start long ago: OpenObserve would send on every one of these saves (W10).
    const id = await makeReport(t, org, dash, 'default', hourly(T0 - 48 * HOUR))
    const s = scheduler(t.tdb.database, t.clock)
    const expectNoRun = async () => {
      await s.tick()
      expect(await runsOf(t.tdb.database, id)).toHaveLength(0)
    }
    await expectNoRun()
    const got = (await t.request('GET', `/api/v2/${org}/reports/${id}`)).body
    expect(got.nextRunAt).toBe(us(T0 + HOUR))
    t.clock.advance(60_000)
    expect(
      (
        await t.request('PUT', `/api/v2/${org}/reports/${id}`, {
          body: { ...got, title: 'edited' },
        })
      ).status,
    ).toBe(200)
    await expectNoRun()
    // Change the schedule itself: still nothing until the new grid's next slot.
    const edited = { ...got, frequency: { type: 'hours', interval: 2, cron: '' } }
    expect((await t.request('PUT', `/api/v2/${org}/reports/${id}`, { body: edited })).status).toBe(
      200,
    )
    await expectNoRun()
    await t.request('PATCH', `/api/v2/${org}/reports/${id}/enable?value=false`)
    await t.request('PATCH', `/api/v2/${org}/reports/${id}/enable?value=true`)
    await expectNoRun()
    const folder = await makeFolder(t, org)
    await t.request('PATCH', `/api/v2/${org}/reports/move`, {
      body: { report_ids: [id], dst_folder_id: folder },
    })
    await expectNoRun()
    const next = (await reportRow(t.tdb.database, id)).nextRunAt!.getTime()
    expect(next).toBeGreaterThan(t.clock.now())
    t.clock.set(next)
    await s.tick()
    expect((await runsOf(t.tdb.database, id)).map((r) => r.scheduledFor?.getTime())).toEqual([next])
  })

  it('a disabled report never fires; a once report fires at start and is then disabled', async () => {
    t.clock.set(T0)
    const off = await makeReport(t, org, dash, 'default', hourly(T0 + HOUR, { enabled: false }))
    const once = await makeReport(t, org, dash, 'default', {
      ...hourly(T0 + HOUR),
      frequency: { type: 'once', interval: 1, cron: '' },
    })
    const s = scheduler(t.tdb.database, t.clock)
    const w = worker(t.tdb.database, t.clock, recordOnlyExecutor)
    t.clock.set(T0 + 3 * HOUR)
    await s.tick()
    expect(await runsOf(t.tdb.database, off)).toHaveLength(0)
    expect(await runsOf(t.tdb.database, once)).toHaveLength(1)
    while ((await w.tick()) > 0) await w.idle()
    await w.idle()
    expect((await runsOf(t.tdb.database, once))[0]?.state).toBe('succeeded')
    const row = await reportRow(t.tdb.database, once)
    expect(row.enabled).toBe(false)
    t.clock.set(T0 + 30 * HOUR)
    await s.tick()
    expect(await runsOf(t.tdb.database, once)).toHaveLength(1)
  })

  it('cron in a DST zone fires at the local wall-clock time', async () => {
    t.clock.set(Date.parse('2026-03-28T00:00:00Z'))
    const id = await makeReport(t, org, dash, 'default', {
      frequency: { type: 'cron', interval: 0, cron: '0 0 9 * * * *' },
      start: 0,
      timezone: 'Europe/Berlin',
      destinations: [],
    })
    const s = scheduler(t.tdb.database, t.clock)
    for (const day of ['2026-03-28T08:00:00Z', '2026-03-29T07:00:00Z', '2026-03-30T07:00:00Z']) {
      t.clock.set(Date.parse(day))
      await s.tick()
    }
    expect((await runsOf(t.tdb.database, id)).map((r) => r.scheduledFor?.toISOString())).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
    ])
  })
})

describe('once reports scheduled "now"', () => {
  it('a once report saved with a start just past fires once, right away', async () => {
    const t = await createTestApp({ now: T0 })
    try {
      const dash = await makeDashboard(t, org)
      const id = await makeReport(t, org, dash, 'default', {
        frequency: { type: 'once', interval: 1, cron: '' },
        start: us(T0 - 20_000),
        destinations: [],
      })
      expect((await reportRow(t.tdb.database, id)).nextRunAt?.getTime()).toBe(T0)
      const s = scheduler(t.tdb.database, t.clock)
      await s.tick()
      const w = worker(t.tdb.database, t.clock, recordOnlyExecutor)
      await w.tick()
      await w.idle()
      expect((await runsOf(t.tdb.database, id)).map((r) => r.state)).toEqual(['succeeded'])
      // Re-enabling it afterwards does not send it again.
      await t.request('PATCH', `/api/v2/${org}/reports/${id}/enable?value=true`)
      expect((await reportRow(t.tdb.database, id)).nextRunAt).toBeNull()
    } finally {
      await t.close()
    }
  })
})
