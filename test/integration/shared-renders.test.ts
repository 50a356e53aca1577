import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ImageFormat, Renderer } from '../../src/render/pool.ts'
import type { RenderInput } from '../../src/render/types.ts'
import { ReportExecutor } from '../../src/runs/report-executor.ts'
import type { Worker } from '../../src/runs/worker.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { dashboardBody, makeReport } from '../helpers/factories.ts'
import { worker } from '../helpers/runs.ts'

const org = 'shared'

/** The app's renderer, counting what it is asked to draw. */
function counting(inner: Renderer) {
  const calls: { format: ImageFormat; title: string }[] = []
  const renderer: Renderer = {
    render(format: ImageFormat, input: RenderInput, signal?: AbortSignal) {
      calls.push({ format, title: input.title })
      return inner.render(format, input, signal)
    },
  }
  return { renderer, calls }
}

const body = (text: string) =>
  dashboardBody({
    title: 'Shared sales',
    tabs: [
      {
        tabId: 'default',
        name: 'Main',
        panels: [
          {
            id: 'p1',
            type: 'text',
            title: 'Note',
            layout: { x: 0, y: 0, w: 24, h: 4 },
            options: { text },
          },
        ],
      },
    ],
    variables: [{ name: 'country', type: 'custom', value: 'all', options: ['all', 'DE', 'FR'] }],
  })

describe('render once, deliver to many', () => {
  let t: TestApp
  let w: Worker
  let count: ReturnType<typeof counting>
  let dash: string

  beforeAll(async () => {
    t = await createTestApp()
    count = counting(t.renderer)
    const executor = new ReportExecutor({
      database: t.tdb.database,
      datasources: t.datasources,
      renderer: count.renderer,
      clock: t.clock,
      deliver: async () => ({ kind: 'sent', deliveries: [] }),
    })
    w = worker(t.tdb.database, t.clock, executor, { concurrency: 8, retryDelaysMs: [30_000] })
    await w.start()
    const res = await t.request('POST', `/api/v2/${org}/dashboards`, { body: body('# Hello') })
    expect(res.status).toBe(200)
    dash = res.body.id
  })
  afterAll(async () => {
    await w?.stop(1000)
    await t?.close()
  })

  const entry = (overrides: Record<string, unknown> = {}) => ({
    folder: 'default',
    dashboard: dash,
    tabs: ['default'],
    variables: [],
    timerange: { type: 'relative', period: '7d', from: 0, to: 0 },
    report_type: 'pdf',
    email_attachment_type: 'standard',
    ...overrides,
  })
  const report = (dashboard: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
    makeReport(t, org, dash, 'default', {
      dashboards: [entry(dashboard)],
      destinations: [],
      enabled: false,
      timezone: 'UTC',
      ...extra,
    })
  // The fake clock stands still: every run is made at the same instant, so relative ranges
  // resolve to the same window unless a report asks for another.
  const trigger = async (id: string) => {
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=60`)
    expect(res.status, res.text).toBe(200)
    const run = await t.request('GET', `/api/v2/${org}/reports/${id}/runs/${res.body.run_id}`)
    return run.body.outputs as { sha256: string; media_type: string; size: number }[]
  }

  it('runs with identical inputs render once and store the same bytes, each its own output', async () => {
    const ids = [await report(), await report(), await report()]
    const before = count.calls.length
    const outputs = await Promise.all(ids.map(trigger))
    expect(count.calls.length - before).toBe(1)
    expect(outputs.map((o) => o.length)).toEqual([1, 1, 1])
    expect(new Set(outputs.map((o) => o[0]!.sha256)).size).toBe(1)
    expect(outputs[0]![0]).toMatchObject({ media_type: 'application/pdf' })
  })

  it('each input a reader would see differ renders on its own', async () => {
    const base = await report()
    await trigger(base) // shares the render of the test before, or makes it
    const variants = {
      variable: await report({ variables: [{ key: 'country', value: 'DE' }] }),
      timezone: await report({}, { timezone: 'Europe/Berlin' }),
      range: await report({ timerange: { type: 'relative', period: '6d', from: 0, to: 0 } }),
      format: await report({ report_type: 'png' }),
      dimensions: await report({ attachment_dimensions: { width: 800, height: 600 } }),
    }
    const shas = new Set([(await trigger(base))[0]!.sha256])
    for (const [what, id] of Object.entries(variants)) {
      const before = count.calls.length
      const [out] = await trigger(id)
      expect(count.calls.length - before, what).toBe(1)
      shas.add(out!.sha256)
      // Run again, the same variation shares the render it just had.
      const [again] = await trigger(id)
      expect(count.calls.length - before, what).toBe(1)
      expect(again!.sha256, what).toBe(out!.sha256)
    }
    expect(count.calls.map((c) => c.format)).toContain('png')
    // Every variant stored the bytes of a render of its own.
    expect(shas.size).toBe(1 + Object.keys(variants).length)
  })

  it('an edit of the dashboard between two runs gives the second its own render', async () => {
    const id = await report()
    await trigger(id)
    const edited = await t.request('PUT', `/api/v2/${org}/dashboards/${dash}`, {
      body: body('# Hello, edited'),
    })
    expect(edited.status).toBe(200)
    const before = count.calls.length
    await trigger(id)
    expect(count.calls.length - before).toBe(1)
    // And the next identical run shares the new one.
    await trigger(await report())
    expect(count.calls.length - before).toBe(1)
  })
})
