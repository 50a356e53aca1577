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
describe.skipIf(!run)('web UI: custom roles', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let errors: string[]

  const call = (method: string, path: string, body?: unknown) =>
    apiCall(server.base, method, path, body)

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
    await page.getByRole('button', { name: 'Edit grants of finance-runner' }).click()
    await editor.waitFor()
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
})
