import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { makeDashboard, makeReport } from '../helpers/factories.ts'

const TOKEN = 'scrape-me-0123456789abcdef'

describe('GET /metrics needs a credential', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await createTestApp({ metricsToken: TOKEN })
    const dash = await makeDashboard(t, 'secret_org')
    await makeReport(t, 'secret_org', dash, 'default', { destinations: [], title: 'Board pay' })
  })
  afterAll(() => t.close())

  it('refuses an anonymous scrape with the 401 envelope', async () => {
    const res = await t.request('GET', '/metrics', { auth: null })
    expect(res.status).toBe(401)
    expect(res.body).toMatchObject({ code: 401, error: 'unauthorized' })
    expect(res.text).not.toContain('herald_runs')
  })

  it('refuses a wrong token and an org admin who is not root', async () => {
    const wrong = await t.request('GET', '/metrics', { auth: 'Bearer not-the-token-at-all' })
    expect(wrong.status).toBe(401)
    const admin = await t.member('secret_org', ['admin'])
    const res = await t.request('GET', '/metrics', { auth: admin })
    expect(res.status).toBe(403)
    expect(res.body).toMatchObject({ code: 403, error: 'forbidden' })
  })

  it('serves the metrics token and the root user, with no org names or titles in labels', async () => {
    const scraped = await t.request('GET', '/metrics', { auth: `Bearer ${TOKEN}` })
    expect(scraped.status).toBe(200)
    expect(scraped.text).toContain('herald_runs')
    expect(scraped.text).not.toMatch(/secret_org|Board pay/)
    expect((await t.request('GET', '/metrics')).status).toBe(200)
  })
})
