import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Mailer } from '../../src/delivery/index.ts'
import { createTestApp, PUBLIC_URL, type TestApp } from '../helpers/app.ts'
import { type DeliveryHarness, deliveryHarness } from '../helpers/delivery.ts'
import { makeDashboard, makeReport } from '../helpers/factories.ts'

const org = 'files'
const CSV = Buffer.from('land,umsatz\nÖsterreich,12\n')
const NAME = 'Umsätze € (Q4).csv'

/** Nothing is mailed here: the reports have no recipients. */
const noMail: Mailer = {
  kind: 'outbox',
  target: 'nowhere',
  send: async () => {
    throw new Error('no mail expected')
  },
  verify: async () => {},
  close: async () => {},
}

/**
 * Every route that serves a file answers the same way: its type, never sniffed, a download name
 * that keeps a non-ASCII name (RFC 5987 `filename*`) beside an ASCII fallback, no shared cache.
 */
describe('file responses', () => {
  let t: TestApp
  let h: DeliveryHarness
  let report: string
  let runId: string

  beforeAll(async () => {
    t = await createTestApp()
    h = await deliveryHarness(t, noMail)
    const dash = await makeDashboard(t, org)
    report = await makeReport(t, org, dash, 'default', { destinations: [], enabled: false })
    h.fixtures.set(report, [{ dashboard: 0, mediaType: 'text/csv', filename: NAME, bytes: CSV }])
    const res = await t.request('PUT', `/api/v2/${org}/reports/${report}/trigger?wait=10`)
    expect(res.status, res.text).toBe(200)
    runId = res.body.run_id
  })
  afterAll(async () => {
    await h?.stop()
    await t?.close()
  })

  const expectFile = async (res: Response) => {
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('cache-control')).toBe('private, no-store')
    expect(res.headers.get('content-disposition')).toBe(
      `attachment; filename="Ums_tze _ (Q4).csv"; filename*=UTF-8''Ums%C3%A4tze%20%E2%82%AC%20%28Q4%29.csv`,
    )
    expect(Buffer.from(await res.arrayBuffer()).equals(CSV)).toBe(true)
  }

  it('a run output', async () => {
    await expectFile(
      await t.app.request(`/api/v2/${org}/reports/${report}/runs/${runId}/outputs/0`, {
        headers: { authorization: t.root },
      }),
    )
  })

  it('a signed download', async () => {
    const url = t.links.url(PUBLIC_URL, { org, runId, index: 0 }, t.clock.now() + 60_000)
    await expectFile(await t.app.request(url.slice(PUBLIC_URL.length)))
  })

  it("a cached report's latest output", async () => {
    const res = await t.app.request(`/api/v2/${org}/reports/${report}/output`, {
      headers: { authorization: t.root },
    })
    expect(res.headers.get('x-herald-run-id')).toBe(runId)
    await expectFile(res)
  })
})
