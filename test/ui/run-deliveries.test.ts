import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiCall,
  checkPage,
  hasChromium,
  launchBrowser,
  overflowsSideways,
  sampleDashboardId,
  signInAs,
  startUiServer,
  UI_ROOT_EMAIL,
  UI_ROOT_PASSWORD,
  type UiServer,
  watchPageErrors,
} from '../helpers/browser.ts'
import { reportBody } from '../helpers/factories.ts'
import { SmtpSink } from '../helpers/smtp-sink.ts'

/**
 * Deliveries that go wrong, in Debian's Chromium against a real Herald on PGlite that mails
 * through a real SMTP server in this process (test/helpers/smtp-sink.ts), which refuses chosen
 * recipients. A transient refusal backs off for an hour (HERALD_DELIVERY_BACKOFF_MS), so the run
 * waits queued for that long: the one way the API has to hold a run queued, which makes Cancel
 * deterministic. PGlite only.
 */
const run = hasChromium && !process.env.DATABASE_URL
describe.skipIf(!run)('web UI: failed deliveries, retry and cancel', { timeout: 90_000 }, () => {
  const sink = new SmtpSink()
  let server: UiServer
  let browser: Browser
  let page: Page
  let errors: string[]
  let dashboardId: string
  const OK = 'ok@example.com'
  const BOUNCE = 'bounce@example.com'
  const LATER = 'later@example.com'

  const call = (method: string, path: string, body?: unknown) =>
    apiCall(server.base, method, path, body)

  async function makeReport(name: string, emails: string[]): Promise<string> {
    const created = await call(
      'POST',
      '/api/v2/default/reports?folder=default',
      reportBody(dashboardId, {
        name,
        title: name,
        destinations: emails.map((email) => ({ email })),
        timezone: 'Europe/Berlin',
        timezoneOffset: 60,
      }),
    )
    expect(created.status, JSON.stringify(created.body)).toBe(200)
    return created.body.id
  }

  const runPath = (reportId: string, runId: string) =>
    `/api/v2/default/reports/${reportId}/runs/${runId}`
  const deliveryRow = (recipient: string) =>
    page.getByRole('row', { name: new RegExp(recipient.replace('.', '\\.')) })

  beforeAll(async () => {
    await sink.start()
    ;[server, browser] = await Promise.all([
      startUiServer({ SMTP_URL: sink.url, HERALD_DELIVERY_BACKOFF_MS: '3600000' }),
      launchBrowser(),
    ])
    dashboardId = await sampleDashboardId(server.base)
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    errors = watchPageErrors(page)
    await signInAs(page, server.base, UI_ROOT_EMAIL, UI_ROOT_PASSWORD)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await sink.close()
  })

  it('shows a refused recipient as failed and retries only that one', async () => {
    sink.refuse(BOUNCE, 550, '5.1.1 Mailbox unavailable')
    const reportId = await makeReport('ui-retry-report', [OK, BOUNCE])
    const made = await call('PUT', `/api/v2/default/reports/${reportId}/trigger?wait=60`, {})
    expect(made.body.state, JSON.stringify(made.body)).toBe('partially_failed')
    expect(sink.to(OK)).toHaveLength(1)
    expect(sink.to(BOUNCE)).toHaveLength(0)

    await page.goto(`${server.base}/#/o/default/reports/${reportId}/runs/${made.body.run_id}`)
    const state = page.locator('.facts .state')
    await expect.poll(() => state.innerText()).toBe('partially failed')
    // The failed delivery with its state, attempts and the server's reply.
    const bounced = deliveryRow(BOUNCE)
    await expect.poll(() => bounced.innerText()).toMatch(/failed/)
    const cells = await bounced.locator('td').allInnerTexts()
    expect(cells[1]).toMatch(/^failed/)
    expect(cells[2]).toBe('1')
    expect(cells[4]).toContain('Mailbox unavailable')
    expect(await deliveryRow(OK).innerText()).toMatch(/sent/)
    await checkPage(page, 'run-partially-failed')
    await page.setViewportSize({ width: 768, height: 900 })
    await checkPage(page, 'run-partially-failed-768')
    expect(await overflowsSideways(page)).toBe(false)
    await page.setViewportSize({ width: 1280, height: 800 })

    // The mailbox works again: the retry sends to it, and not again to the one that got it.
    sink.accept(BOUNCE)
    await page.getByRole('button', { name: 'Retry failed recipients (1)' }).click()
    await page
      .getByRole('status')
      .filter({ hasText: 'Run queued again for 1 failed recipient(s)' })
      .waitFor()
    await expect.poll(() => state.innerText(), { timeout: 60_000 }).toBe('succeeded')
    await expect.poll(() => bounced.innerText()).toMatch(/sent/)
    // A retry starts the recipient's attempts afresh: one, which worked, with no error left.
    const after = await bounced.locator('td').allInnerTexts()
    expect(after[2]).toBe('1')
    expect(after[3]).not.toBe('—')
    expect(after[4]).toBe('—')
    expect(sink.to(BOUNCE)).toHaveLength(1)
    expect(sink.to(OK)).toHaveLength(1)
    expect(await page.getByRole('button', { name: /Retry failed recipients/ }).count()).toBe(0)
    const api = await call('GET', runPath(reportId, made.body.run_id))
    expect(api.body.state).toBe('succeeded')
    await checkPage(page, 'run-retried')
  })

  it('cancels a run that waits queued, and the page shows it cancelled', async () => {
    // A transient refusal: the run goes back to queued for the hour-long back-off.
    sink.refuse(LATER, 451, '4.2.0 Try again later')
    const reportId = await makeReport('ui-cancel-report', [LATER])
    const made = await call('POST', `/api/v2/default/reports/${reportId}/runs`, {})
    expect(made.status).toBe(202)
    const url = runPath(reportId, made.body.run_id)
    await expect
      .poll(
        async () => {
          const r = (await call('GET', url)).body
          return `${r.state} ${r.deliveries[0]?.attempts ?? 0}`
        },
        { timeout: 60_000 },
      )
      .toBe('queued 1')

    await page.goto(`${server.base}/#/o/default/reports/${reportId}/runs/${made.body.run_id}`)
    const state = page.locator('.facts .state')
    await expect.poll(() => state.innerText()).toBe('queued')
    // The notice of the run retried before was about that run, not this one.
    expect(await page.getByRole('status').filter({ hasText: 'Run queued again' }).count()).toBe(0)
    await expect.poll(() => deliveryRow(LATER).innerText()).toContain('Try again later')
    await checkPage(page, 'run-queued-backing-off')
    await page.getByRole('button', { name: 'Cancel run' }).click()
    await page.getByRole('status').filter({ hasText: 'Run cancelled' }).waitFor()
    await expect.poll(() => state.innerText()).toBe('cancelled')
    expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0)
    expect((await call('GET', url)).body.state).toBe('cancelled')
    // Cancelled for good: forced again, the API says so.
    const again = await call('POST', `${url}/cancel`)
    expect(again.status).toBe(409)
    await checkPage(page, 'run-cancelled')
    expect(errors).toEqual([])
  })
})
