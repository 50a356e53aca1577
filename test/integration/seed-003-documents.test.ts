import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunExecutor } from '../../src/runs/executor.ts'
import type { Worker } from '../../src/runs/worker.ts'
import { createTestApp, PUBLIC_URL, type TestApp } from '../helpers/app.ts'
import { makePdf, storeOutputs } from '../helpers/delivery.ts'
import { makeDashboard, makeReport, reportBody } from '../helpers/factories.ts'
import { worker } from '../helpers/runs.ts'

const org = 'seeddocs'
const T0 = Date.parse('2026-11-23T10:00:00Z')

/** Seed 003: generate a document, poll it until available, download it through a signed URL. */
describe('seed 003: generate and download documents', () => {
  let t: TestApp
  let w: Worker
  let dash: string
  let pdf: Buffer
  // A `fail` variable makes the run fail; otherwise it makes one PDF.
  const executor: RunExecutor = {
    async execute(ctx) {
      if (ctx.parameters.variables?.fail) return { state: 'failed', error: 'panel query failed' }
      await storeOutputs(t.tdb.database, ctx.run.id, [
        { dashboard: 0, mediaType: 'application/pdf', filename: 'Sales report.pdf', bytes: pdf },
      ])
      return { state: 'succeeded' }
    },
  }

  beforeAll(async () => {
    t = await createTestApp({ now: T0 })
    pdf = await makePdf(['Sales'])
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

  const report = (overrides: Record<string, unknown> = {}) =>
    makeReport(t, org, dash, 'default', { destinations: [], enabled: false, ...overrides })
  const generate = (id: string, body?: unknown, auth?: string) =>
    t.request('POST', `/api/v2/${org}/reports/${id}/generate`, {
      ...(body === undefined ? {} : { body }),
      ...(auth ? { auth } : {}),
    })

  it('generate answers the queued document; it becomes available with its file', async () => {
    const id = await report()
    const res = await generate(id, {
      variables: [{ name: 'date_from', value: '2024-01-01 00:00:00' }],
    })
    expect(res.status).toBe(202)
    const docId = res.body.data.id
    expect(res.body).toEqual({
      data: {
        id: docId,
        type: 'documents',
        attributes: {
          category: 'report',
          file_name: null,
          file_path: null,
          file_type: null,
          status: 'queued',
          user_id: expect.any(String),
          created_at: new Date(T0).toISOString(),
          updated_at: new Date(T0).toISOString(),
          error: null,
        },
      },
    })
    await settle()
    const doc = await t.request('GET', `/api/v2/${org}/documents/${docId}`)
    expect(doc.status).toBe(200)
    expect(doc.body.data.attributes).toMatchObject({
      status: 'available',
      file_name: 'Sales report.pdf',
      file_type: 'pdf',
      file_path: `/api/v2/${org}/reports/${id}/runs/${docId}/outputs/0`,
      user_id: res.body.data.attributes.user_id,
    })
    // The passed variable is the run's, merged over the stored ones when it renders.
    const run = await t.request('GET', `/api/v2/${org}/reports/${id}/runs/${docId}`)
    expect(run.body.parameters.variables).toEqual({ date_from: '2024-01-01 00:00:00' })
  })

  it('download answers a signed URL that works without credentials until it expires', async () => {
    const id = await report()
    const docId = (await generate(id)).body.data.id
    await settle()
    const res = await t.request('GET', `/api/v2/${org}/documents/${docId}/download`)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      url: expect.stringMatching(
        new RegExp(`^${PUBLIC_URL}/dl/${org}/${docId}/0\\?expires=\\d+&sig=`),
      ),
      expires_at: new Date(T0 + 15 * 60_000).toISOString(),
    })
    const path = res.body.url.slice(PUBLIC_URL.length)
    const file = await t.app.request(path)
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('application/pdf')
    expect(Buffer.from(await file.arrayBuffer()).equals(pdf)).toBe(true)
    t.clock.advance(16 * 60_000)
    const late = await t.app.request(path)
    expect(late.status).toBe(403)
    t.clock.set(T0)
  })

  it('a queued document shows queued; its download is a 409 saying to poll', async () => {
    await w.stop(1000)
    try {
      const id = await report()
      const docId = (await generate(id)).body.data.id
      const doc = await t.request('GET', `/api/v2/${org}/documents/${docId}`)
      expect(doc.status).toBe(200)
      expect(doc.body.data.attributes).toMatchObject({ status: 'queued', file_name: null })
      const dl = await t.request('GET', `/api/v2/${org}/documents/${docId}/download`)
      expect(dl.status).toBe(409)
      expect(dl.body).toMatchObject({
        code: 409,
        error: 'conflict',
        message: 'The document is queued; there is nothing to download',
        description: `Poll /api/v2/${org}/documents/${docId} until its status is available.`,
      })
    } finally {
      // A stopped worker stays stopped: a fresh one takes the queued document.
      w = worker(t.tdb.database, t.clock, executor)
      await w.start()
      await settle()
    }
  })

  it('a failed generation shows failed; its download is a 409 saying why', async () => {
    const id = await report()
    const docId = (await generate(id, { variables: [{ name: 'fail', value: 'yes' }] })).body.data.id
    await settle()
    const doc = await t.request('GET', `/api/v2/${org}/documents/${docId}`)
    expect(doc.body.data.attributes).toMatchObject({
      status: 'failed',
      file_name: null,
      error: 'panel query failed',
    })
    const dl = await t.request('GET', `/api/v2/${org}/documents/${docId}/download`)
    expect(dl.status).toBe(409)
    expect(dl.body).toMatchObject({
      code: 409,
      error: 'conflict',
      message: 'The document is failed; there is nothing to download',
      description: 'panel query failed',
    })
  })

  it('404 for an unknown document or report; 400 for bad variables; 401 without credentials', async () => {
    const missing = await t.request('GET', `/api/v2/${org}/documents/nope`)
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ code: 404, message: 'Document not found' })
    expect((await t.request('GET', `/api/v2/${org}/documents/nope/download`)).status).toBe(404)
    const noReport = await generate('nope', {})
    expect(noReport.status).toBe(404)
    const id = await report()
    const bad = await generate(id, { variables: [{ name: '', value: 'x' }] })
    expect(bad.status).toBe(400)
    expect(bad.body.fields[0].name).toMatch(/^variables/)
    const anon = await t.request('POST', `/api/v2/${org}/reports/${id}/generate`, { auth: null })
    expect(anon.status).toBe(401)
  })

  it('the trigger takes variables as [{name, value}] beside the map', async () => {
    const id = await report()
    const res = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger`, {
      body: {
        variables: [
          { name: 'country', value: 'IN' },
          { name: 'limit', value: 5 },
        ],
      },
    })
    expect(res.status).toBe(200)
    const run = await t.request('GET', `/api/v2/${org}/reports/${id}/runs/${res.body.run_id}`)
    expect(run.body.parameters.variables).toEqual({ country: 'IN', limit: '5' })
  })

  it('manual_runs "owner": only the owner and org admins may trigger or generate (403 otherwise)', async () => {
    const editor = await t.member(org, ['editor'])
    const admin = await t.member(org, ['admin'])
    const res = await t.request('POST', `/api/v2/${org}/reports?folder=default`, {
      body: reportBody(dash, { destinations: [], enabled: false, manual_runs: 'owner' }),
    })
    expect(res.status).toBe(200)
    const id = res.body.id
    expect((await t.request('GET', `/api/v2/${org}/reports/${id}`)).body.manual_runs).toBe('owner')
    const refused = await generate(id, {}, editor)
    expect(refused.status).toBe(403)
    expect(refused.body).toMatchObject({
      code: 403,
      error: 'forbidden',
      message: 'Only the owner of this report and org admins may run it',
    })
    const trig = await t.request('PUT', `/api/v2/${org}/reports/${id}/trigger?wait=0`, {
      auth: editor,
    })
    expect(trig.status).toBe(403)
    expect((await generate(id, {}, admin)).status).toBe(202)
    // The root user created it, so it is the owner.
    expect((await generate(id, {})).status).toBe(202)
    // Anyone allowed to trigger may run a report without the setting.
    expect((await generate(await report(), {}, editor)).status).toBe(202)
    const bad = await t.request('POST', `/api/v2/${org}/reports?folder=default`, {
      body: reportBody(dash, { destinations: [], manual_runs: 'everyone' }),
    })
    expect(bad.status).toBe(400)
    expect(bad.body.fields[0].name).toBe('manual_runs')
    await settle()
  })
})
