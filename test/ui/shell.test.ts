import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
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
 * The web UI in Debian's Chromium against a real Herald on PGlite: sign in, the shell, folders.
 * Runs on the PGlite pass only (the UI does not depend on the database engine).
 */
const run = hasChromium && !process.env.DATABASE_URL
describe.skipIf(!run)('web UI: sign in and folders', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let errors: string[]

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    errors = watchPageErrors(page)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('says clearly when the password is wrong, then signs in', async () => {
    await page.goto(`${server.base}/`)
    await page.getByLabel('Email').fill(UI_ROOT_EMAIL)
    await page.getByLabel('Password').fill('not-the-password')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect
      .poll(() => page.getByRole('alert').innerText())
      .toContain('Wrong email or password')
    await checkPage(page, 'sign-in-wrong-password')
    await signInAs(page, server.base, UI_ROOT_EMAIL, UI_ROOT_PASSWORD)
    await page.getByRole('heading', { name: 'default' }).waitFor()
    expect(page.url()).toMatch(/#\/o\/default$/)
    await checkPage(page, 'reports-default-folder')
  })

  it('creates a folder and shows it with its count', async () => {
    await page.getByLabel('New folder').fill('Weekly sales')
    await page.getByRole('button', { name: 'Create folder' }).click()
    await page.getByRole('heading', { name: 'Weekly sales' }).waitFor()
    await expect
      .poll(() => page.getByRole('link', { name: /Weekly sales/ }).getAttribute('aria-current'))
      .toBe('page')
    await checkPage(page, 'folder-created')
  })

  it('is readable at 768 px', async () => {
    await page.setViewportSize({ width: 768, height: 900 })
    await checkPage(page, 'folder-768')
    expect(await overflowsSideways(page)).toBe(false)
    await page.setViewportSize({ width: 1280, height: 800 })
  })

  it('signs out back to the sign-in page', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    const me = await page.evaluate(async () => (await fetch('/api/v2/me')).status)
    expect(me).toBe(401)
    expect(errors).toEqual([])
  })
})
