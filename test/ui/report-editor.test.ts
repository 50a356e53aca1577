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
  UI_ROOT_EMAIL,
  UI_ROOT_PASSWORD,
  type UiServer,
  watchPageErrors,
} from '../helpers/browser.ts'
import { dashboardBody, reportBody } from '../helpers/factories.ts'

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
    // The next run reads in the report's zone, as the schedule beside it does (the viewer is in
    // New York, where it would be 3:00 AM).
    expect(await row.innerText()).toMatch(/\b9:00\sAM\b/)
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

  it('edits several dashboard entries and keeps what it does not change', async () => {
    const call = (method: string, path: string, body?: unknown) =>
      apiCall(server.base, method, path, body)
    const tabs = [
      { ...dashboardBody().tabs[0], tabId: 'default', name: 'Overview' },
      { ...dashboardBody().tabs[0], tabId: 'detail', name: 'Detail' },
    ]
    const board = await call('POST', '/api/v2/default/dashboards?folder=default', {
      ...dashboardBody({ title: 'Two tabs', tabs }),
    })
    expect(board.status, JSON.stringify(board.body)).toBe(200)
    const boardId = board.body.dashboardId ?? board.body.id
    const other = await call('POST', '/api/v2/default/dashboards?folder=default', {
      ...dashboardBody({ title: 'Also two tabs', tabs }),
    })
    const otherId = other.body.dashboardId ?? other.body.id
    const sample = { dashboardId: await sampleDashboardId(server.base) }
    const base = reportBody(sample.dashboardId, { name: 'multi_entry', title: 'Multi entry' })
    // The second entry has its own range and format (CSV of the last day) and fields the editor
    // has no control for: it must come back exactly as it went in.
    const own = {
      folder: 'default',
      dashboard: boardId,
      tabs: ['detail'],
      variables: [],
      timerange: { type: 'relative', period: '1d', from: 0, to: 0 },
      report_type: 'csv',
      email_attachment_type: 'standard',
    }
    const made = await call('POST', '/api/v2/default/reports?folder=default', {
      ...base,
      dashboards: [...base.dashboards, own],
    })
    expect(made.status, JSON.stringify(made.body)).toBe(200)
    const before = (await call('GET', `/api/v2/default/reports/${made.body.id}`)).body
    expect(before.dashboards).toHaveLength(2)

    await page.goto(`${server.base}/#/o/default/reports/${made.body.id}/edit`)
    await page.getByRole('heading', { name: 'Edit Multi entry' }).waitFor()
    const entry = (n: number) => page.getByRole('group', { name: `Dashboard ${n}`, exact: true })
    await entry(2).waitFor()
    expect(await entry(1).getByRole('combobox', { name: 'Dashboard 1' }).inputValue()).toBe(
      sample.dashboardId,
    )
    expect(await entry(2).getByRole('combobox', { name: 'Dashboard 2' }).inputValue()).toBe(boardId)
    expect(await entry(2).getByRole('checkbox', { name: 'Detail' }).isChecked()).toBe(true)
    expect(await entry(2).getByRole('checkbox', { name: 'Overview' }).isChecked()).toBe(false)
    expect(await entry(2).innerText()).toContain('keeps its own time range and format')
    // Chromium's zone list says Asia/Calcutta; the report's own spelling is still the one shown.
    expect(await page.getByRole('combobox', { name: 'Timezone' }).inputValue()).toBe('Asia/Kolkata')

    // A third entry, on the one dashboard no entry has yet, with both its tabs; then the first
    // goes (the API refuses a dashboard listed twice).
    await page.getByRole('button', { name: 'Add a dashboard' }).click()
    await entry(3).waitFor()
    const third = entry(3).getByRole('combobox', { name: 'Dashboard 3' })
    expect(await third.inputValue()).toBe(otherId)
    await third.selectOption({ label: 'Also two tabs' })
    await entry(3).getByRole('checkbox', { name: 'Detail' }).check()
    expect(await entry(3).getByRole('checkbox', { name: 'Overview' }).isChecked()).toBe(true)
    await checkPage(page, 'report-editor-entries')
    await page.getByRole('button', { name: 'Remove dashboard 1' }).click()
    await expect.poll(() => page.getByRole('group', { name: /^Dashboard \d$/ }).count()).toBe(2)
    expect(await entry(1).getByRole('combobox', { name: 'Dashboard 1' }).inputValue()).toBe(boardId)
    await page.getByRole('button', { name: 'Save report' }).click()
    const saved = page.getByRole('heading', { name: 'Multi entry', exact: true })
    await saved.or(page.locator('#save-errors')).waitFor()
    expect(await page.locator('#save-errors').count(), await page.locator('main').innerText()).toBe(
      0,
    )
    // The report page tells both entries' formats: its own CSV of a day, and the shared PDF.
    expect(await page.locator('.facts').innerText()).toContain(
      '2 dashboards: CSV of the last 1d; PDF of the last 30m',
    )

    const after = (await call('GET', `/api/v2/default/reports/${made.body.id}`)).body
    expect(after.dashboards).toHaveLength(2)
    // The entry it did not change, as it was; the new one with the report's shared range/format.
    expect(after.dashboards[0]).toEqual(before.dashboards[1])
    expect(after.dashboards[1]).toMatchObject({
      dashboard: otherId,
      tabs: ['default', 'detail'],
      timerange: before.dashboards[0].timerange,
      report_type: 'pdf',
    })
    expect(errors).toEqual([])
  }, 90_000)

  it('keeps an entry whose dashboard the editor cannot list exactly as saved', async () => {
    const call = (method: string, path: string, body?: unknown, auth?: string) =>
      apiCall(server.base, method, path, body, auth)
    // A dashboard in a folder the editing member may not list.
    const folder = await call('POST', '/api/v2/default/folders/dashboards', {
      name: 'Board room',
      description: '',
    })
    const hidden = await call(
      'POST',
      `/api/v2/default/dashboards?folder=${folder.body.folderId}`,
      dashboardBody({ title: 'Board only' }),
    )
    const hiddenId = hidden.body.dashboardId ?? hidden.body.id
    const sample = { dashboardId: await sampleDashboardId(server.base) }
    const base = reportBody(sample.dashboardId, { name: 'half_seen', title: 'Half seen' })
    const secret = {
      ...base.dashboards[0],
      folder: folder.body.folderId,
      dashboard: hiddenId,
      report_type: 'png',
      email_attachment_type: 'inline',
    }
    const made = await call('POST', '/api/v2/default/reports?folder=default', {
      ...base,
      dashboards: [...base.dashboards, secret],
    })
    expect(made.status, JSON.stringify(made.body)).toBe(200)
    const before = (await call('GET', `/api/v2/default/reports/${made.body.id}`)).body
    await call('POST', '/api/v2/default/roles', { name: 'default-editor' })
    await call('PUT', '/api/v2/default/roles/default-editor/permissions', [
      { object: 'rfolder:default', actions: ['list', 'get', 'update'] },
      { object: 'dfolder:default', actions: ['list', 'get'] },
    ])
    await call('POST', '/api/v2/default/users', {
      email: 'ed@herald.test',
      password: 'ed-password-123',
      roles: ['default-editor'],
    })

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const ed = await context.newPage()
    const edErrors = watchPageErrors(ed)
    await signInAs(ed, server.base, 'ed@herald.test', 'ed-password-123')
    await ed.goto(`${server.base}/#/o/default/reports/${made.body.id}/edit`)
    await ed.getByRole('heading', { name: 'Edit Half seen' }).waitFor()
    const kept = ed.getByRole('group', { name: 'Dashboard 2', exact: true })
    await kept.waitFor()
    expect(await kept.innerText()).toContain(hiddenId)
    expect(await kept.innerText()).toContain('kept exactly as saved')
    expect(await kept.getByRole('combobox').count()).toBe(0)
    await checkPage(ed, 'report-editor-unlisted-entry')
    await ed.getByLabel('Title').fill('Half seen, renamed')
    await ed.getByRole('button', { name: 'Save report' }).click()
    const done = ed.getByRole('heading', { name: 'Half seen, renamed', exact: true })
    await done.or(ed.locator('#save-errors')).waitFor()
    expect(await ed.locator('#save-errors').count(), await ed.locator('main').innerText()).toBe(0)

    const after = (await call('GET', `/api/v2/default/reports/${made.body.id}`)).body
    expect(after.title).toBe('Half seen, renamed')
    expect(after.dashboards).toEqual(before.dashboards)
    expect(edErrors).toEqual([])
    await context.close()
  }, 90_000)
})
