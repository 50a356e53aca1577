import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RenderError, RenderPool } from '../../src/render/pool.ts'
import { ReportExecutor } from '../../src/runs/report-executor.ts'
import type { Worker } from '../../src/runs/worker.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { waitFor } from '../helpers/db.ts'
import { dashboardBody, makeReport } from '../helpers/factories.ts'
import { silent, worker } from '../helpers/runs.ts'

const org = 'threads'
const fixture = new URL('../helpers/render-thread.ts', import.meta.url)

/** A dashboard with one text panel (no query), titled to steer the fixture thread. */
const textDashboard = (title: string) =>
  dashboardBody({
    title,
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
            options: { text: '# Hello' },
          },
        ],
      },
    ],
  })

describe('rendering in worker threads', () => {
  const renderer = new RenderPool({ threads: 2, timeoutMs: 30_000, log: silent, filename: fixture })
  let t: TestApp
  let w: Worker
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'herald-threads-'))
    t = await createTestApp({ renderer })
    const executor = new ReportExecutor({
      database: t.tdb.database,
      datasources: t.datasources,
      renderer,
      maxRendering: 2,
      clock: t.clock,
      deliver: async () => ({ kind: 'sent', deliveries: [] }),
    })
    w = worker(t.tdb.database, t.clock, executor, { concurrency: 4, retryDelaysMs: [30_000] })
    await w.start()
  })
  afterAll(async () => {
    await w?.stop(1000)
    await t?.close()
    await renderer.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const cachedReport = async (title: string) => {
    const res = await t.request('POST', `/api/v2/${org}/dashboards`, { body: textDashboard(title) })
    expect(res.status).toBe(200)
    return makeReport(t, org, res.body.id, 'default', { destinations: [], enabled: false })
  }
  const trigger = (id: string, wait = 60) =>
    t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=${wait}`)
  const run = async (id: string, runId: string) =>
    (await t.request('GET', `/api/v2/${org}/reports/${id}/runs/${runId}`)).body

  it('a render that throws fails its own run; a run rendering beside it succeeds', async () => {
    const bad = await cachedReport('throw now')
    const good = await cachedReport('Plain dashboard')
    const [b, g] = await Promise.all([trigger(bad), trigger(good)])
    expect(b.status).toBe(500)
    expect(b.body.state).toBe('failed')
    expect(b.body.message).toContain('Rendering the PDF failed: render exploded (now)')
    expect(g.status).toBe(200)
    const out = await run(good, g.body.run_id)
    expect(out.state).toBe('succeeded')
    expect(out.outputs[0]).toMatchObject({ media_type: 'application/pdf' })
    expect(out.outputs[0].size).toBeGreaterThan(1000)
    // Failed for good: the same inputs would throw again, so it is not retried.
    expect((await run(bad, b.body.run_id)).attempt).toBe(1)
  })

  it('a thread that dies fails its run; the next render gets a new thread', async () => {
    const crash = await cachedReport('crash now')
    const c = await trigger(crash)
    expect(c.status).toBe(500)
    expect(c.body.message).toMatch(/^Rendering the PDF failed: /)
    const after = await cachedReport('After the crash')
    const a = await trigger(after)
    expect(a.status).toBe(200)
    expect((await run(after, a.body.run_id)).state).toBe('succeeded')
  })

  it('the API answers while a render holds its thread busy', async () => {
    const flag = path.join(dir, 'release')
    const held = await cachedReport(`hold ${flag}`)
    const res = await trigger(held, 0)
    expect(res.status).toBe(202)
    const runId = res.body.run_id
    await waitFor('the held run to be running', async () =>
      (await run(held, runId)).state === 'running' ? true : undefined,
    )
    // Several requests, each answered while the render is still going.
    for (let i = 0; i < 5; i++) {
      const got = await t.request('GET', `/api/v2/${org}/reports/${held}`)
      expect(got.status).toBe(200)
    }
    expect((await run(held, runId)).state).toBe('running')
    writeFileSync(flag, '')
    const done = await waitFor('the held run to finish', async () => {
      const r = await run(held, runId)
      return r.state === 'running' ? undefined : r
    })
    expect(done.state).toBe('succeeded')
  })

  it('claims no more runs than it may render at once; the rest wait queued', async () => {
    const flag = path.join(dir, 'release-all')
    const ids = [
      await cachedReport(`hold ${flag}`),
      await cachedReport(`hold ${flag}`),
      await cachedReport(`hold ${flag}`),
    ]
    const runs = (await Promise.all(ids.map((id) => trigger(id, 0)))).map((r) => r.body.run_id)
    const states = () => Promise.all(ids.map(async (id, i) => (await run(id, runs[i])).state))
    await waitFor('two runs rendering', async () =>
      (await states()).filter((s) => s === 'running').length === 2 ? true : undefined,
    )
    // The worker has slots for four, but only two renders may be under way: the third stays
    // queued (where another process could take it) however often the worker looks for work.
    for (let i = 0; i < 5; i++) {
      expect(await w.tick()).toBe(0)
      expect((await states()).sort()).toEqual(['queued', 'running', 'running'])
    }
    writeFileSync(flag, '')
    await waitFor('all three finished', async () =>
      (await states()).every((s) => s === 'succeeded') ? true : undefined,
    )
  })
})

/** A dashboard tab with no panels, titled to steer the fixture thread. */
const input = (title: string) => ({
  title,
  tabName: 'Main',
  timeRangeLabel: 'today',
  generatedAtLabel: 'now',
  panels: [],
})

describe('the render time limit', () => {
  const renderer = new RenderPool({ threads: 1, timeoutMs: 500, log: silent, filename: fixture })
  afterAll(() => renderer.close())

  it('a render past its limit fails alone and its thread is replaced', async () => {
    // `hold` on a file that never appears: the thread spins until it is stopped.
    const late = renderer.render('png', input(`hold ${path.join(tmpdir(), 'never-there')}`))
    await expect(late).rejects.toThrow(RenderError)
    await expect(late).rejects.toThrow('Rendering the PNG took longer than 500 ms')
    const png = await renderer.render('png', input('On time'))
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG')
  })
})

describe('the render thread heap limit', () => {
  const renderer = new RenderPool({
    threads: 1,
    timeoutMs: 60_000,
    heapMb: 64,
    log: silent,
    filename: fixture,
  })
  afterAll(() => renderer.close())

  it('a render that outgrows the heap fails alone, naming the setting; the next one renders', async () => {
    const hog = renderer.render('pdf', input('hog'))
    await expect(hog).rejects.toThrow(RenderError)
    await expect(hog).rejects.toThrow(
      'Rendering the PDF needed more memory than a render thread may use (HERALD_RENDER_THREAD_HEAP_MB=64)',
    )
    const pdf = await renderer.render('pdf', input('After the hog'))
    expect(pdf.subarray(0, 4).toString('ascii')).toBe('%PDF')
  })
})
