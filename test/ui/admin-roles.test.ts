import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  apiCall,
  checkPage,
  hasChromium,
  launchBrowser,
  overflowsSideways,
  signInAs,
  startUiServer,
  UI_ROOT_EMAIL,
  UI_ROOT_PASSWORD,
  type UiServer,
  watchPageErrors,
} from '../helpers/browser.ts'

/**
 * The Roles admin page in Debian's Chromium against a real Herald on PGlite: create a custom
 * role, grant it actions on one folder, see the grant listed (and in the API), field errors on
 * their field, delete it. PGlite pass only.
 */
const run = hasChromium && !process.env.DATABASE_URL
describe.skipIf(!run)('web UI: custom roles', { timeout: 90_000 }, () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let errors: string[]

  const call = (method: string, path: string, body?: unknown) =>
    apiCall(server.base, method, path, body)

  /** The roles page loaded afresh (a hash the page already shows would not load again). */
  async function openRoles() {
    await page.goto(`${server.base}/#/o/default/admin/roles`)
    await page.reload()
    await page.getByRole('heading', { name: 'Roles', exact: true }).waitFor()
  }

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    page = await context.newPage()
    page.on('dialog', (d) => void d.accept())
    errors = watchPageErrors(page)
    await signInAs(page, server.base, UI_ROOT_EMAIL, UI_ROOT_PASSWORD)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('creates a role, grants get and trigger on one folder, lists it, deletes it', async () => {
    const created = await call('POST', '/api/v2/default/folders/reports', {
      name: 'Finance',
      description: '',
    })
    const financeId = created.body.folderId as string

    await page.getByRole('link', { name: 'Admin', exact: true }).click()
    await page
      .getByRole('navigation', { name: 'Admin sections' })
      .getByRole('link', { name: 'Roles' })
      .click()
    await page.getByRole('heading', { name: 'Roles', exact: true }).waitFor()
    await page.getByText('No custom roles yet.').waitFor()

    // A name the API refuses: its message sits on the name field.
    await page.getByLabel('Role name').fill('bad name!')
    await page.getByRole('button', { name: 'Create role' }).click()
    const nameError = page.locator('#new-role-name-error')
    await nameError.waitFor()
    expect(await nameError.innerText()).toContain('Role names are 1-64 letters')
    expect(await page.getByLabel('Role name').getAttribute('aria-invalid')).toBe('true')

    await page.getByLabel('Role name').fill('finance-runner')
    await page.getByRole('button', { name: 'Create role' }).click()
    const editor = page.getByRole('form', { name: 'Grants of finance-runner' })
    await editor.waitFor()
    // Dashboard folders take no trigger: the table offers none there.
    expect(await editor.getByLabel('trigger in All dashboard folders').count()).toBe(0)
    await editor.getByLabel('get in Reports: Finance').check()
    await editor.getByLabel('trigger in Reports: Finance').check()
    await checkPage(page, 'admin-roles-edit')
    await editor.getByRole('button', { name: 'Save grants' }).click()

    await page.getByRole('status').filter({ hasText: 'Grants of finance-runner saved' }).waitFor()
    const row = page.getByRole('row').filter({ hasText: 'finance-runner' })
    await row.getByText('Reports: Finance').waitFor()
    expect(await row.innerText()).toContain('get, trigger')
    // What the page saved is what a script reads back.
    const perms = await call('GET', '/api/v2/default/roles/finance-runner/permissions')
    expect(perms.body).toEqual([{ object: `rfolder:${financeId}`, actions: ['get', 'trigger'] }])
    await checkPage(page, 'admin-roles')

    await page.setViewportSize({ width: 768, height: 900 })
    await checkPage(page, 'admin-roles-768')
    expect(await overflowsSideways(page)).toBe(false)
    // The notice told what the save did; a new edit makes it stale, so it goes.
    const savedNotice = page.getByRole('status').filter({ hasText: 'saved' })
    expect(await savedNotice.count()).toBe(1)
    await page.getByRole('button', { name: 'Edit grants of finance-runner' }).click()
    await editor.waitFor()
    expect(await savedNotice.count()).toBe(0)
    await checkPage(page, 'admin-roles-edit-768')
    expect(await overflowsSideways(page)).toBe(false)
    await editor.getByRole('button', { name: 'Cancel' }).click()
    await page.setViewportSize({ width: 1280, height: 800 })

    await page.getByRole('button', { name: 'Delete finance-runner' }).click()
    await page.getByRole('status').filter({ hasText: 'Role finance-runner deleted' }).waitFor()
    await page.getByText('No custom roles yet.').waitFor()
    const roles = await call('GET', '/api/v2/default/roles')
    expect(roles.body.list.map((r: { name: string }) => r.name)).not.toContain('finance-runner')
    expect(errors).toEqual([])
  })

  it('clears the saved notice when the grants change again', async () => {
    await call('POST', '/api/v2/default/roles', { name: 'notice-role' })
    await openRoles()
    await page.getByRole('button', { name: 'Edit grants of notice-role' }).click()
    const editor = page.getByRole('form', { name: 'Grants of notice-role' })
    await editor.getByLabel('list in All report folders').check()
    await editor.getByRole('button', { name: 'Save grants' }).click()
    const saved = page.getByRole('status').filter({ hasText: 'Grants of notice-role saved' })
    await saved.waitFor()
    await page.getByRole('button', { name: 'Edit grants of notice-role' }).click()
    await editor.getByLabel('get in All report folders').check()
    // Unsaved now: a notice saying "saved" would be a lie.
    expect(await saved.count()).toBe(0)
    await editor.getByRole('button', { name: 'Save grants' }).click()
    await saved.waitFor()
    // Typing a new role's name is a later edit too.
    await page.getByLabel('Role name').fill('next')
    expect(await saved.count()).toBe(0)
    await call('DELETE', '/api/v2/default/roles/notice-role')
  })

  it('still manages roles when the dashboard folders cannot be listed', async () => {
    // Today every roles admin may list folders, so the refusal is the browser's: the API's own
    // 403 envelope for that one request, as a narrower admin role would get it.
    const dash = await call('POST', '/api/v2/default/folders/dashboards', {
      name: 'Hidden dashboards',
      description: '',
    })
    const hiddenId = dash.body.folderId as string
    await call('POST', '/api/v2/default/roles', { name: 'partial-view' })
    const dGrant = { object: `dfolder:${hiddenId}`, actions: ['list', 'get'] }
    await call('PUT', '/api/v2/default/roles/partial-view/permissions', [dGrant])
    await page.route('**/api/v2/default/folders/dashboards', (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({
          code: 403,
          message: 'You may not list dashboard folders',
          error: 'forbidden',
          trace_id: '',
        }),
      }),
    )
    try {
      await openRoles()
      const warning = page.getByRole('note')
      await warning.waitFor()
      expect(await warning.innerText()).toContain('dashboard folders could not be listed')
      expect(await warning.innerText()).toContain('You may not list dashboard folders')
      expect(await page.getByRole('alert').count()).toBe(0)
      // What it could load is there: the role, its grant by folder id, the report folders.
      const row = page.getByRole('row').filter({ hasText: 'partial-view' })
      await row.getByText(`Dashboards folder ${hiddenId}`).waitFor()
      await page.getByRole('button', { name: 'Edit grants of partial-view' }).click()
      const editor = page.getByRole('form', { name: 'Grants of partial-view' })
      await editor.getByLabel('list in Reports: Finance').check()
      expect(await editor.getByLabel(`get in Dashboards folder ${hiddenId}`).isChecked()).toBe(true)
      await checkPage(page, 'admin-roles-no-dashboard-folders')
      await editor.getByRole('button', { name: 'Save grants' }).click()
      await page.getByRole('status').filter({ hasText: 'Grants of partial-view saved' }).waitFor()
    } finally {
      await page.unroute('**/api/v2/default/folders/dashboards')
    }
    // The grant the page could not name was kept, beside the new one.
    const perms = await call('GET', '/api/v2/default/roles/partial-view/permissions')
    const finance = (await call('GET', '/api/v2/default/folders/reports')).body.list.find(
      (f: { name: string }) => f.name === 'Finance',
    )
    expect(perms.body).toEqual(
      expect.arrayContaining([
        dGrant,
        { object: `rfolder:${finance.folderId}`, actions: ['list'] },
      ]),
    )
    expect(perms.body).toHaveLength(2)
    expect(errors).toEqual([])
  })
})
