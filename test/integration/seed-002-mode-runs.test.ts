import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunExecutor } from '../../src/runs/executor.ts'
import type { Worker } from '../../src/runs/worker.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { makePdf, storeOutputs } from '../helpers/delivery.ts'
import { makeDashboard, makeReport } from '../helpers/factories.ts'
import { worker } from '../helpers/runs.ts'

const org = 'seedmode'
const T0 = Date.parse('2026-11-23T10:00:00Z')

/** Seed 002 (Mode report runs): run fields, HAL links, create with parameters, clone. */
describe('seed 002: Mode-style runs', () => {
  let t: TestApp
  let w: Worker
  let dash: string
  let pdf: Buffer
  // Runs whose `outcome` variable says "fail" fail; the rest make one PDF.
  const executor: RunExecutor = {
    async execute(ctx) {
      if (ctx.parameters.variables?.outcome === 'fail') return { state: 'failed', error: 'boom' }
      await storeOutputs(t.tdb.database, ctx.run.id, [
        { dashboard: 0, mediaType: 'application/pdf', filename: 'report.pdf', bytes: pdf },
      ])
      return { state: 'succeeded' }
    },
  }

  beforeAll(async () => {
    t = await createTestApp({ now: T0 })
    pdf = await makePdf(['Mode'])
    dash = await makeDashboard(t, org)
    w = worker(t.tdb.database, t.clock, executor)
    await w.start()
  })
  /** Until every due run is finished: a notification may reach the worker late on a busy machine. */
  const settle = async () => {
    for (;;) {
      const claimed = await w.tick()
      await w.idle()
      await w.idle()
      if (claimed === 0) return
    }
  }
  afterAll(async () => {
    await w.stop(1000)
    await t.close()
  })

  const report = () => makeReport(t, org, dash, 'default', { destinations: [], enabled: false })
  const base = (id: string) => `/api/v2/${org}/reports/${id}`
  const create = (id: string, body?: unknown) =>
    t.request('POST', `${base(id)}/runs`, body === undefined ? {} : { body })
  const detail = (id: string, runId: string) => t.request('GET', `${base(id)}/runs/${runId}`)

  it('POST …/runs with {"parameters": {…}} answers 202 with the run, its fields and links', async () => {
    const id = await report()
    const res = await create(id, { parameters: { country: 'IN', limit: 10, active: true } })
    expect(res.status).toBe(202)
    const runId = res.body.run_id
    expect(res.headers.get('location')).toBe(`${base(id)}/runs/${runId}`)
    expect(res.body).toMatchObject({
      run_id: runId,
      report_id: id,
      state: 'queued',
      created_at: new Date(T0).toISOString(),
      updated_at: new Date(T0).toISOString(),
      parameters: { variables: { country: 'IN', limit: '10', active: 'true' } },
      is_latest_report_run: true,
      is_latest_successful_report_run: false,
      report_has_failures_since_last_success: false,
      _links: {
        self: { href: `${base(id)}/runs/${runId}` },
        report: { href: base(id) },
        outputs: { href: `${base(id)}/runs/${runId}` },
        clone: { href: `${base(id)}/runs/${runId}/clone` },
      },
    })
    // No file yet: no content and no pdf_export link.
    expect(res.body._links.content).toBeUndefined()
    expect(res.body._links.pdf_export).toBeUndefined()
    await settle()
    const done = await detail(id, runId)
    expect(done.body).toMatchObject({
      state: 'succeeded',
      is_latest_report_run: true,
      is_latest_successful_report_run: true,
      _links: {
        content: { href: `${base(id)}/runs/${runId}/outputs/0` },
        pdf_export: { href: `${base(id)}/runs/${runId}/outputs/0` },
      },
    })
    const file = await t.app.request(done.body._links.pdf_export.href, {
      headers: { authorization: t.root },
    })
    expect(file.headers.get('content-type')).toBe('application/pdf')
  })

  it('an empty body or {} creates a run with no parameters', async () => {
    const id = await report()
    const empty = await create(id)
    expect(empty.status).toBe(202)
    const obj = await create(id, {})
    expect(obj.status).toBe(202)
    expect(obj.body.parameters.variables).toEqual({})
    await settle()
  })

  it('bad parameters are a 400 naming them; an unknown report 404', async () => {
    const id = await report()
    const bad = await create(id, { parameters: { country: { nested: true } } })
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ code: 400, error: 'validation_failed' })
    expect(bad.body.fields[0].name).toBe('parameters.country')
    const missing = await create('nope', { parameters: {} })
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ code: 404, message: 'Report not found' })
  })

  it('clone starts a new run with the same parameters and returns it', async () => {
    const id = await report()
    const first = await create(id, { parameters: { country: 'DE' } })
    await settle()
    t.clock.advance(60_000)
    const res = await t.request('POST', `${base(id)}/runs/${first.body.run_id}/clone`)
    expect(res.status).toBe(202)
    expect(res.body.run_id).not.toBe(first.body.run_id)
    expect(res.headers.get('location')).toBe(`${base(id)}/runs/${res.body.run_id}`)
    expect(res.body).toMatchObject({
      state: 'queued',
      parameters: { variables: { country: 'DE' } },
      is_latest_report_run: true,
      is_latest_successful_report_run: false,
    })
    await settle()
    expect((await detail(id, first.body.run_id)).body.is_latest_report_run).toBe(false)
    const missing = await t.request('POST', `${base(id)}/runs/nope/clone`)
    expect(missing.status).toBe(404)
    expect(missing.body.message).toBe('Run not found')
  })

  it('report_has_failures_since_last_success follows the runs', async () => {
    const id = await report()
    const ok = await create(id, { parameters: { outcome: 'ok' } })
    await settle()
    t.clock.advance(1000)
    const failed = await create(id, { parameters: { outcome: 'fail' } })
    await settle()
    const list = await t.request('GET', `${base(id)}/runs`)
    expect(list.body.list.map((r: { run_id: string }) => r.run_id)).toEqual([
      failed.body.run_id,
      ok.body.run_id,
    ])
    for (const r of list.body.list) expect(r.report_has_failures_since_last_success).toBe(true)
    expect(list.body.list[0]).toMatchObject({
      state: 'failed',
      is_latest_report_run: true,
      is_latest_successful_report_run: false,
    })
    expect(list.body.list[1]).toMatchObject({
      is_latest_report_run: false,
      is_latest_successful_report_run: true,
    })
    t.clock.advance(1000)
    await create(id, { parameters: { outcome: 'ok' } })
    await settle()
    const after = await t.request('GET', `${base(id)}/runs`)
    expect(after.body.list[0].report_has_failures_since_last_success).toBe(false)
  })

  it('served as application/hal+json when asked, plain JSON otherwise', async () => {
    const id = await report()
    const run = await create(id, { parameters: {} })
    await settle()
    const hal = { accept: 'application/hal+json' }
    const list = await t.request('GET', `${base(id)}/runs`, { headers: hal })
    expect(list.headers.get('content-type')).toMatch(/^application\/hal\+json/)
    expect(list.body.list[0]._links.self.href).toBe(`${base(id)}/runs/${run.body.run_id}`)
    const one = await t.request('GET', `${base(id)}/runs/${run.body.run_id}`, { headers: hal })
    expect(one.headers.get('content-type')).toMatch(/^application\/hal\+json/)
    const plain = await t.request('GET', `${base(id)}/runs/${run.body.run_id}`)
    expect(plain.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it('order_by=updated_at and a filter on updated_at', async () => {
    const id = await report()
    const a = await create(id, { parameters: { n: '1' } })
    t.clock.advance(1000)
    const b = await create(id, { parameters: { n: '2' } })
    await settle()
    const ids = (r: { body: { list: { run_id: string }[] } }) => r.body.list.map((x) => x.run_id)
    const asc = await t.request('GET', `${base(id)}/runs?order_by=updated_at&order=asc`)
    expect(asc.status).toBe(200)
    expect(ids(asc)).toHaveLength(2)
    const desc = await t.request('GET', `${base(id)}/runs?order_by=updated_at&order=desc&limit=1`)
    expect(desc.body.list).toHaveLength(1)
    const next = await t.request(
      'GET',
      `${base(id)}/runs?order_by=updated_at&order=desc&limit=1&cursor=${desc.body.next_cursor}`,
    )
    expect([...ids(desc), ...ids(next)].sort()).toEqual([a.body.run_id, b.body.run_id].sort())
    const cut = encodeURIComponent(new Date(T0 + 10 * 365 * 86_400_000).toISOString())
    const none = await t.request('GET', `${base(id)}/runs?filter=updated_at.gt.${cut}`)
    expect(none.body.list).toEqual([])
    const all = await t.request(
      'GET',
      `${base(id)}/runs?filter=updated_at.gt.${encodeURIComponent('2000-01-01T00:00:00Z')}`,
    )
    expect(all.body.list).toHaveLength(2)
    const bad = await t.request('GET', `${base(id)}/runs?order_by=whenever`)
    expect(bad.status).toBe(400)
    expect(bad.body.fields[0].name).toBe('order_by')
  })
})
