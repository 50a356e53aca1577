import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiCall,
  checkPage,
  hasChromium,
  launchBrowser,
  sampleDashboardId,
  signInAs,
  startUiServer,
  type UiServer,
  watchPageErrors,
} from '../helpers/browser.ts'
import { reportBody } from '../helpers/factories.ts'

/**
 * The report, history and run pages show only what the caller may do in the report's folder
 * (from GET /api/v2/me): a viewer can look but not edit or run; a runner can run but not edit.
 */
const run = hasChromium && !process.env.DATABASE_URL
describe.skipIf(!run)('web UI: report pages follow the caller’s permissions', () => {
  let server: UiServer
  let browser: Browser
  let reportId: string
  let runId: string

  const call = (method: string, path: string, body?: unknown) =>
    apiCall(server.base, method, path, body)

  async function member(email: string, role: string, actions: string[]) {
    expect((await call('POST', '/api/v2/default/roles', { name: role })).status).toBe(200)
    const grant = await call('PUT', `/api/v2/default/roles/${role}/permissions`, [
      { object: 'rfolder:default', actions },
    ])
    expect(grant.status).toBe(200)
    const added = await call('POST', '/api/v2/default/users', {
      email,
      password: 'member-password-123',
      roles: [role],
    })
    expect(added.status).toBe(200)
  }

  async function pageAs(email: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const page = await context.newPage()
    const errors = watchPageErrors(page)
    await signInAs(page, server.base, email, 'member-password-123')
    return { page, errors }
  }

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    const dash = { dashboardId: await sampleDashboardId(server.base) }
    const made = await call(
      'POST',
      '/api/v2/default/reports?folder=default',
      reportBody(dash.dashboardId, { name: 'access-weekly', destinations: [] }),
    )
    expect(made.status, JSON.stringify(made.body)).toBe(200)
    const list = await call('GET', '/api/v2/default/reports')
    reportId = list.body.find((r: { name: string }) => r.name === 'access-weekly').report_id
    // A queued run (wait=0) the pages can offer to cancel, to those allowed.
    const t = await call('PUT', `/api/v2/default/reports/${reportId}/trigger?wait=0`)
    runId = t.body.run_id
    await member('viewer@herald.test', 'default-viewer', ['list', 'get'])
    await member('runner@herald.test', 'default-runner', ['list', 'get', 'trigger'])
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  const count = (page: Page, name: string) =>
    page
      .getByRole('button', { name })
      .or(page.getByRole('link', { name, exact: true }))
      .count()

  it('a viewer sees the report, its history and a run, with no Edit, Run now or Cancel', async () => {
    const { page, errors } = await pageAs('viewer@herald.test')
    await page.goto(`${server.base}/#/o/default/reports/${reportId}`)
    await page.getByRole('heading', { name: 'Runs' }).waitFor()
    await page.getByRole('link', { name: 'Run history' }).waitFor()
    expect(await count(page, 'Edit')).toBe(0)
    expect(await count(page, 'Run now')).toBe(0)
    await checkPage(page, 'report-page-viewer')
    await page.goto(`${server.base}/#/o/default/reports/${reportId}/runs/${runId}`)
    await page.getByRole('heading', { name: /^Run of / }).waitFor()
    await page.getByRole('link', { name: 'Run history' }).waitFor()
    expect(await count(page, 'Run again')).toBe(0)
    expect(await count(page, 'Cancel run')).toBe(0)
    await checkPage(page, 'run-page-viewer')
    expect(errors).toEqual([])
  })

  it('a runner may run the report but not edit it', async () => {
    const { page, errors } = await pageAs('runner@herald.test')
    await page.goto(`${server.base}/#/o/default/reports/${reportId}`)
    await page.getByRole('button', { name: 'Run now' }).waitFor()
    expect(await count(page, 'Edit')).toBe(0)
    await page.goto(`${server.base}/#/o/default/reports/${reportId}/runs`)
    await page.getByRole('heading', { name: 'Run history' }).waitFor()
    await page.getByRole('button', { name: 'Run now' }).waitFor()
    await checkPage(page, 'run-history-runner')
    expect(errors).toEqual([])
  })
})
