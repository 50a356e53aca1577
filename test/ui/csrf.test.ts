import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  hasChromium,
  launchBrowser,
  signInAs,
  startUiServer,
  UI_ROOT_EMAIL,
  UI_ROOT_PASSWORD,
  type UiServer,
} from '../helpers/browser.ts'

/**
 * A signed-in admin visits another site that posts a form to Herald. The other site is on the
 * same host with another port: same-site, so the browser does send the SameSite=Lax session
 * cookie — the case the cookie alone does not stop. Herald must refuse it, and change nothing.
 */
const run = hasChromium && !process.env.DATABASE_URL
describe.skipIf(!run)('web UI: a cross-site form post is refused', () => {
  let server: UiServer
  let browser: Browser
  let page: Page
  let attacker: Server
  let attackerBase: string

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([startUiServer(), launchBrowser()])
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
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

  const folderNames = async (): Promise<string[]> => {
    const basic = Buffer.from(`${UI_ROOT_EMAIL}:${UI_ROOT_PASSWORD}`).toString('base64')
    const res = await fetch(`${server.base}/api/v2/default/folders/reports`, {
      headers: { authorization: `Basic ${basic}` },
    })
    const body = (await res.json()) as { list: { name: string }[] }
    return body.list.map((f) => f.name)
  }

  it('answers 403 with the envelope and creates no folder, though the cookie was sent', async () => {
    await signInAs(page, server.base, UI_ROOT_EMAIL, UI_ROOT_PASSWORD)
    const cookies = await page.context().cookies(server.base)
    expect(cookies.some((c) => c.httpOnly && c.sameSite === 'Lax')).toBe(true)

    const posted = page.waitForResponse((r) =>
      r.url().startsWith(`${server.base}/api/v2/default/folders/reports`),
    )
    await page.goto(attackerBase)
    const res = await posted
    expect(res.request().method()).toBe('POST')
    // The browser did attach the session: without the CSRF rule this post would have worked.
    expect(await res.request().headerValue('cookie')).toBeTruthy()
    expect(res.status()).toBe(403)
    expect(await res.json()).toMatchObject({ code: 403, message: 'Cross-site request refused' })
    expect(await folderNames()).not.toContain('Planted')

    // The same session still works from Herald's own page.
    await page.goto(`${server.base}/`)
    await page.getByRole('button', { name: 'Sign out' }).waitFor()
  })
})
