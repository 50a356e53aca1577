import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
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

/**
 * Run now and watch, the run page and the run history, in Debian's Chromium against a real
 * Herald on PGlite (outbox transport: mail lands as .eml files in DATA_DIR/outbox). PGlite only.
 * Failed deliveries, retry and cancel need an SMTP server that refuses: run-deliveries.test.ts.
 */
const run = hasChromium && !process.env.DATABASE_URL
describe.skipIf(!run)('web UI: runs', { timeout: 90_000 }, () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let errors: string[]
  let reportId: string
  const files: { url: string; status: number; type: string }[] = []
  const RECIPIENT = 'ops@example.com'

  const call = (method: string, path: string, body?: unknown) =>
    apiCall(server.base, method, path, body)

  async function outboxMail(): Promise<string[]> {
    const dir = path.join(server.dataDir, 'outbox')
    const files = await readdir(dir).catch(() => [] as string[])
    return Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')))
  }

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    const sample = { dashboardId: await sampleDashboardId(server.base) }
    const created = await call(
      'POST',
      '/api/v2/default/reports?folder=default',
      reportBody(sample.dashboardId, {
        name: 'ui-runs-report',
        title: 'Sales for the UI',
        destinations: [{ email: RECIPIENT }],
        timezone: 'Europe/Berlin',
        timezoneOffset: 60,
      }),
    )
    expect(created.status, JSON.stringify(created.body)).toBe(200)
    reportId = created.body.id
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    errors = watchPageErrors(page)
    page.on('response', (r) => {
      if (/\/outputs\/\d+$/.test(r.url()))
        files.push({ url: r.url(), status: r.status(), type: r.headers()['content-type'] ?? '' })
    })
    await signInAs(page, server.base, UI_ROOT_EMAIL, UI_ROOT_PASSWORD)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('shows an empty history, and a bad range phrase on its field', async () => {
    // From the report page's Runs section.
    await page.goto(`${server.base}/#/o/default/reports/${reportId}`)
    const section = page.getByRole('region', { name: 'Runs' })
    await section.getByText('This report has not run yet.').waitFor()
    await section.getByRole('button', { name: 'Run now' }).waitFor()
    await checkPage(page, 'report-runs-section')
    await section.getByRole('link', { name: 'Run history' }).click()
    await page.getByRole('heading', { name: 'Run history' }).waitFor()
    await page.getByText('This report has not run yet.').waitFor()
    await checkPage(page, 'runs-empty')
    await page.getByRole('button', { name: 'Run now' }).click()
    const dialog = page.getByRole('dialog', { name: 'Run the report now' })
    await dialog.getByLabel('From').fill('the day the music died')
    await dialog.getByRole('button', { name: 'Start run' }).click()
    await expect.poll(() => dialog.locator('#run-from-error').innerText()).not.toBe('')
    expect(await dialog.getByLabel('From').getAttribute('aria-invalid')).toBe('true')
    await checkPage(page, 'run-now-dialog-field-error')
    await dialog.getByRole('button', { name: 'Cancel' }).click()
  })

  it('runs the report now with a range phrase and watches it succeed', async () => {
    await page.getByRole('button', { name: 'Run now' }).click()
    const dialog = page.getByRole('dialog', { name: 'Run the report now' })
    await dialog.getByLabel('From').fill('beginning of month')
    await dialog.getByLabel('To').fill('now')
    await dialog.getByRole('button', { name: 'Start run' }).click()
    await page.waitForURL(/#\/o\/default\/reports\/[^/]+\/runs\/[^/]+$/)
    const state = page.locator('.facts .state')
    await expect.poll(() => state.innerText(), { timeout: 60_000 }).toBe('succeeded')
  })

  it('shows the PDF inline, the delivery per recipient, and the mail in the outbox', async () => {
    const frame = page.locator('iframe.pdf-view')
    await frame.waitFor()
    // The file the frame shows came from the run's download route, as a PDF.
    const pdf = files.find((f) => f.type === 'application/pdf')
    expect(pdf, JSON.stringify(files)).toBeTruthy()
    expect(pdf?.status).toBe(200)
    expect(pdf?.url).toMatch(/\/api\/v2\/default\/reports\/[^/]+\/runs\/[^/]+\/outputs\/\d+$/)
    expect(await frame.getAttribute('src')).toMatch(/^blob:/)
    expect(await frame.getAttribute('title')).toMatch(/^PDF: /)
    const row = page.getByRole('row', { name: new RegExp(RECIPIENT) })
    await expect.poll(() => row.innerText()).toMatch(/sent/)
    expect(await row.innerText()).toMatch(/\b1\b/)
    await expect
      .poll(async () => (await outboxMail()).some((m) => m.includes(RECIPIENT)))
      .toBe(true)
    // The range the trigger gave: from the 1st of this month, 00:00 in Berlin.
    await expect.poll(() => page.locator('.facts').innerText()).toContain('(given at trigger)')
    // …said in the report's zone, as its PDF says it, and named.
    expect(await page.locator('.facts').innerText()).toMatch(
      /Range\s+\w{3} 1, \d{4}, 12:00\sAM – .+ Europe\/Berlin/,
    )
    await checkPage(page, 'run-succeeded')
    await page.setViewportSize({ width: 768, height: 900 })
    await checkPage(page, 'run-succeeded-768')
    expect(await overflowsSideways(page)).toBe(false)
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  it('dry-runs from the dialog and shows what would have been sent', async () => {
    const before = (await outboxMail()).length
    await page.goto(`${server.base}/#/o/default/reports/${reportId}/runs`)
    await page.getByRole('button', { name: 'Run now' }).click()
    const dialog = page.getByRole('dialog', { name: 'Run the report now' })
    await dialog.getByLabel('Dry run (render, send nothing)').check()
    await dialog.getByRole('button', { name: 'Start run' }).click()
    await page.waitForURL(/#\/o\/default\/reports\/[^/]+\/runs\/[^/]+$/)
    await expect
      .poll(() => page.locator('.facts .state').first().innerText(), { timeout: 60_000 })
      .toBe('succeeded')
    await page.getByRole('heading', { name: 'Dry run: what would have been sent' }).waitFor()
    expect(await page.locator('main').innerText()).toContain(RECIPIENT)
    expect((await outboxMail()).length).toBe(before)
    await checkPage(page, 'run-dry-run')
  })

  it('pages the history with the cursor and filters it by state and day', async () => {
    // More runs than a page of 3 (five in all): dry runs, so nothing more is mailed.
    for (let i = 0; i < 3; i++) {
      const r = await call('PUT', `/api/v2/default/reports/${reportId}/trigger?wait=60`, {
        dry_run: true,
      })
      expect(r.status, JSON.stringify(r.body)).toBe(200)
    }
    await page.goto(`${server.base}/#/o/default/reports/${reportId}/runs?limit=3`)
    await page.getByRole('heading', { name: 'Run history' }).waitFor()
    const rows = page.locator('tbody tr')
    await expect.poll(() => rows.count()).toBe(3)
    const runLinks = () =>
      page.locator('tbody tr a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
    const firstPage = await runLinks()
    await page.getByRole('button', { name: 'Older runs' }).click()
    await page.getByText('Page 2').waitFor()
    await expect.poll(() => rows.count()).toBe(2)
    const secondPage = await runLinks()
    expect(secondPage.some((t) => firstPage.includes(t))).toBe(false)
    expect(await page.getByRole('button', { name: 'Older runs' }).isDisabled()).toBe(true)
    await checkPage(page, 'runs-page-2')
    await page.getByRole('button', { name: 'Newer runs' }).click()
    await page.getByText('Page 1').waitFor()

    await page.getByLabel('State').selectOption('cancelled')
    await expect.poll(async () => (await rows.allInnerTexts()).join('\n')).not.toMatch(/succeeded/)
    await page.getByLabel('State').selectOption('succeeded')
    await expect.poll(() => rows.count()).toBe(3)
    for (const t of await rows.allInnerTexts()) expect(t).toMatch(/succeeded/)
    await checkPage(page, 'runs-filtered-succeeded')

    await page.getByLabel('State').selectOption('')
    await page.getByLabel('To day').fill('2020-01-01')
    await page.getByText('No run matches these filters.').waitFor()
    await page.getByLabel('To day').fill('')
    await page.getByLabel('From day').fill('2020-01-01')
    await expect.poll(() => rows.count()).toBe(3)
    await page.getByRole('link', { name: /.+/ }).locator('xpath=ancestor::td').first().waitFor()
    expect(errors).toEqual([])
  })
})
