import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  checkPage,
  hasChromium,
  launchBrowser,
  signInAs,
  startUiServer,
  UI_ROOT_EMAIL,
  UI_ROOT_PASSWORD,
  type UiServer,
  watchPageErrors,
} from '../helpers/browser.ts'

/**
 * The report editor in Chromium against a real Herald: a weekly Berlin report on the sample
 * dashboard whose preview crosses the end of March (Berlin's DST change), the API's field errors
 * on their fields, and the saved report in its folder. The viewer is in New York, so each fire
 * time shows in two zones.
 */

/** 09:00 on the Sunday three weeks before the last Sunday of March next year (always ahead). */
function weeksBeforeSpringChange(): string {
  const year = new Date().getUTCFullYear() + 1
  const last = new Date(Date.UTC(year, 2, 31))
  last.setUTCDate(31 - last.getUTCDay())
  const start = new Date(last.getTime() - 21 * 86_400_000)
  return `${start.toISOString().slice(0, 10)}T09:00`
}

const run = hasChromium && !process.env.DATABASE_URL
describe.skipIf(!run)('web UI: report editor', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let errors: string[]

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await browser.newPage({
      viewport: { width: 1280, height: 900 },
      timezoneId: 'America/New_York',
    })
    errors = watchPageErrors(page)
    await signInAs(page, server.base, UI_ROOT_EMAIL, UI_ROOT_PASSWORD)
    // A Herald process and a browser start here; on a busy 2-core machine that can take a while.
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('builds a weekly Berlin report with a 5-item preview marking the DST change', async () => {
    await page.getByLabel('New folder').fill('Editor reports')
    await page.getByRole('button', { name: 'Create folder' }).click()
    await page.getByRole('heading', { name: 'Editor reports' }).waitFor()
    await page.getByRole('link', { name: 'New report' }).click()
    await page.getByRole('heading', { name: 'New report' }).waitFor()

    await page.getByLabel('Title').fill('Weekly sales Berlin')
    expect(await page.getByLabel('Name').inputValue()).toBe('weekly_sales_berlin')
    await page.getByRole('combobox', { name: 'Dashboard' }).selectOption({ label: 'Sample sales' })
    await page.getByRole('checkbox', { name: 'Overview' }).waitFor()
    await page.getByRole('combobox', { name: 'Repeat' }).selectOption('weeks')
    await page.getByRole('combobox', { name: 'Timezone' }).selectOption('Europe/Berlin')
    await page.getByLabel(/^Starting/).fill(weeksBeforeSpringChange())

    const fires = page.locator('.fire-list li')
    await expect.poll(() => fires.count()).toBe(5)
    await expect
      .poll(() => fires.nth(3).innerText())
      .toContain('DST change in Europe/Berlin: UTC+01:00 → UTC+02:00')
    const first = await fires.nth(0).innerText()
    expect(first).toContain('09:00')
    expect(first).toContain('Europe/Berlin (UTC+01:00)')
    expect(first).toContain('your time, America/New_York')
    expect(await fires.nth(1).locator('.dst-mark', { hasText: 'Europe/Berlin' }).count()).toBe(0)
    await expect
      .poll(() => page.locator('.words').innerText())
      .toContain('Sundays at 09:00, Europe/Berlin')

    await page.getByRole('button', { name: 'Preview dashboard' }).click()
    // The first render after start can be slow on a loaded machine; an error would show instead.
    await page
      .locator('.dash-preview img, .dash-preview .error')
      .first()
      .waitFor({ timeout: 90_000 })
    expect(await page.locator('.dash-preview .error').count()).toBe(0)
    await page.getByRole('img', { name: /Preview of the dashboard/ }).waitFor()
    await checkPage(page, 'report-editor-new')
  }, 150_000)

  it('shows the API’s verdict on a bad recipient next to the recipients field', async () => {
    const recipients = page.getByLabel('Email recipients')
    await recipients.fill('not-an-email')
    await recipients.press('Enter')
    await recipients.fill('ops@example.com')
    await recipients.press('Enter')
    await page.getByRole('button', { name: 'Save report' }).click()

    await page.locator('#save-errors').waitFor()
    const describedBy = (await recipients.getAttribute('aria-describedby')) ?? ''
    const errorId = describedBy.split(' ').find((x) => x.endsWith('-error'))
    expect(errorId).toBeTruthy()
    expect(await page.locator(`#${errorId}`).innerText()).toContain(
      'Invalid email address "not-an-email"',
    )
    expect(await recipients.getAttribute('aria-invalid')).toBe('true')
    expect(await page.locator('.chip.invalid').innerText()).toContain('not-an-email')
    await checkPage(page, 'report-editor-field-error')
  }, 60_000)

  it('saves, shows the report page, and lists it in its folder', async () => {
    await page.getByRole('button', { name: 'Remove not-an-email' }).click()
    await page.getByRole('button', { name: 'Save report' }).click()
    await page.getByRole('heading', { name: 'Weekly sales Berlin' }).waitFor()
    expect(page.url()).toMatch(/#\/o\/default\/reports\/[A-Za-z0-9]+$/)
    expect(await page.locator('.facts').innerText()).toContain('Sundays at 09:00, Europe/Berlin')
    await page.getByRole('heading', { name: 'Runs' }).waitFor()
    await checkPage(page, 'report-page')

    await page.getByRole('link', { name: 'Edit', exact: true }).click()
    await page.getByRole('heading', { name: 'Edit Weekly sales Berlin' }).waitFor()
    expect(await page.getByRole('combobox', { name: 'Timezone' }).inputValue()).toBe(
      'Europe/Berlin',
    )
    expect(await page.locator('.chip').innerText()).toContain('ops@example.com')
    await page.getByRole('link', { name: 'Cancel' }).click()

    await page.locator('.facts').getByRole('link').click()
    await page.getByRole('heading', { name: 'Editor reports' }).waitFor()
    const row = page.getByRole('row', { name: /weekly_sales_berlin/ })
    await row.waitFor()
    expect(await row.innerText()).toContain('Sundays at 09:00, Europe/Berlin')
  }, 60_000)

  it('shows an empty name rejected by the API on the name field', async () => {
    await page.getByRole('link', { name: 'New report' }).click()
    await page.getByRole('heading', { name: 'New report' }).waitFor()
    await page.getByRole('button', { name: 'Save report' }).click()
    const name = page.getByLabel('Name')
    await expect.poll(() => name.getAttribute('aria-invalid')).toBe('true')
    const ids = ((await name.getAttribute('aria-describedby')) ?? '').split(' ')
    const texts = await Promise.all(ids.map((id) => page.locator(`#${id}`).innerText()))
    expect(texts.join(' ')).toContain('Report name is required')
    await checkPage(page, 'report-editor-name-error')
    expect(errors).toEqual([])
  }, 60_000)
})
