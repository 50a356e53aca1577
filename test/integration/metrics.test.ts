import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { makeDashboard, makeReport } from '../helpers/factories.ts'

describe('GET /metrics', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(() => t.close())

  it('exposes request latency by route and runs by state in Prometheus format', async () => {
    const dash = await makeDashboard(t, 'm')
    const id = await makeReport(t, 'm', dash, 'default', { destinations: [] })
    await t.request('PUT', `/api/v2/m/reports/${id}/trigger?wait=0`)
    const res = await t.request('GET', '/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/plain')
    expect(res.text).toMatch(
      /herald_http_request_duration_seconds_count\{method="POST",route="\/api\/v2\/:org\/reports",status="200"\} 1/,
    )
    expect(res.text).toMatch(/herald_runs\{state="queued"\} 1/)
    expect(res.text).toContain('herald_scheduler_lag_seconds')
    expect(res.text).toContain('herald_lease_expiries_total 0')
  })
})
