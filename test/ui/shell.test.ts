import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
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
 * The web UI in Debian's Chromium against a real Herald on PGlite: sign in, the shell, folders,
 * sign out, and a cross-site form post refused. Runs on the PGlite pass only (the UI does not
 * depend on the database engine).
 */
const run = hasChromium && !process.env.DATABASE_URL
describe.skipIf(!run)('web UI: sign in and folders', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let errors: string[]
  let attacker: Server
  let attackerBase: string

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    errors = watchPageErrors(page)
    // Another site that posts a form to Herald as soon as it is opened.
    attacker = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html; charset=utf-8')
      res.end(`<!doctype html><html lang="en"><title>Win a prize</title><body>
        <form id="f" method="POST" action="${server.base}/api/v2/default/folders/reports"
              enctype="text/plain">
          <input name='{"name":"Planted","ignored":"' value='"}'>
        </form>
        <script>document.getElementById('f').submit()</script></body></html>`)
    })
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve))
    attackerBase = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await new Promise((resolve) => attacker?.close(resolve))
  })

  const folderNames = async (): Promise<string[]> =>
    (await apiCall(server.base, 'GET', '/api/v2/default/folders/reports')).body.list.map(
      (f: { name: string }) => f.name,
    )

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

  // A signed-in admin visits another site that posts a form to Herald. The other site is on the
  // same host with another port: same-site, so the browser does send the SameSite=Lax session
  // cookie — the case the cookie alone does not stop. Herald must refuse it, and change nothing.
  it('refuses a cross-site form post: 403 with the envelope, no folder, though the cookie was sent', async () => {
    const victim = await browser.newPage({ viewport: { width: 1280, height: 800 } })
    await signInAs(victim, server.base, UI_ROOT_EMAIL, UI_ROOT_PASSWORD)
    const cookies = await victim.context().cookies(server.base)
    expect(cookies.some((c) => c.httpOnly && c.sameSite === 'Lax')).toBe(true)

    const posted = victim.waitForResponse((r) =>
      r.url().startsWith(`${server.base}/api/v2/default/folders/reports`),
    )
    await victim.goto(attackerBase)
    const res = await posted
    expect(res.request().method()).toBe('POST')
    // The browser did attach the session: without the CSRF rule this post would have worked.
    expect(await res.request().headerValue('cookie')).toBeTruthy()
    expect(res.status()).toBe(403)
    expect(await res.json()).toMatchObject({ code: 403, message: 'Cross-site request refused' })
    expect(await folderNames()).not.toContain('Planted')

    // The same session still works from Herald's own page.
    await victim.goto(`${server.base}/`)
    await victim.getByRole('button', { name: 'Sign out' }).waitFor()
    await victim.context().close()
  })
})
