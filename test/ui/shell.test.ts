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

  it('signs in with the keyboard alone, and shows where focus is', async () => {
    await page.goto(`${server.base}/`)
    await page.getByRole('button', { name: 'Sign in' }).waitFor()
    // From the page start: the first stop is the email field, then the password, Enter submits.
    await page.keyboard.press('Tab')
    expect(await page.evaluate('document.activeElement?.id')).toBe('signin-email')
    await page.keyboard.type(UI_ROOT_EMAIL)
    await page.keyboard.press('Tab')
    expect(await page.evaluate('document.activeElement?.id')).toBe('signin-password')
    await page.keyboard.type(UI_ROOT_PASSWORD)
    await page.keyboard.press('Enter')
    await page.getByRole('button', { name: 'Sign out' }).waitFor()
    await page.getByRole('heading', { name: 'default' }).waitFor()

    // Tab on to the first link or button after the heading the page focused: a keyboard user
    // must see it (ui/style.css :focus-visible), not guess where focus went.
    interface Focused {
      tag: string
      text: string
      outlineStyle: string
      outlineWidth: string
      visible: boolean
    }
    const focusedControl = async () =>
      (await page.evaluate(`(() => {
        const el = document.activeElement
        if (!el || !['A', 'BUTTON'].includes(el.tagName)) return null
        const cs = getComputedStyle(el)
        return { tag: el.tagName, text: el.textContent.trim(), outlineStyle: cs.outlineStyle,
          outlineWidth: cs.outlineWidth, visible: el.matches(':focus-visible') }
      })()`)) as Focused | null
    let focused: Focused | null = null
    for (let i = 0; i < 10 && focused === null; i++) {
      await page.keyboard.press('Tab')
      focused = await focusedControl()
    }
    expect(focused, 'a link or button within 10 Tabs').not.toBeNull()
    const { visible, outlineStyle, outlineWidth } = focused as Focused
    expect(visible).toBe(true)
    expect(outlineStyle).not.toBe('none')
    expect(Number.parseFloat(outlineWidth)).toBeGreaterThan(0)
    await checkPage(page, 'keyboard-focus')
    expect(errors).toEqual([])
  })

  // Issue 13's bar: a folder of 1,000 reports stays usable. The page renders one page of rows,
  // not 1,000, and search still reaches every report, not just the page shown.
  it('pages a folder of 1,000 reports and finds one by name', { timeout: 120_000 }, async () => {
    const sample = { dashboardId: await sampleDashboardId(server.base) }
    const folder = await apiCall(server.base, 'POST', '/api/v2/default/folders/reports', {
      name: 'Thousand',
      description: '',
    })
    expect(folder.status, JSON.stringify(folder.body)).toBe(200)
    const folderId = folder.body.folderId as string
    const TOTAL = 1000
    const name = (i: number) => `bulk-${String(i).padStart(4, '0')}`
    // The public API has no batch create: one POST each, 16 in flight, as a script would.
    const started = Date.now()
    let next = 1
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next <= TOTAL) {
          const i = next++
          const res = await apiCall(
            server.base,
            'POST',
            `/api/v2/default/reports?folder=${encodeURIComponent(folderId)}`,
            reportBody(sample.dashboardId, { name: name(i), title: `Bulk ${i}` }),
          )
          expect(res.status, JSON.stringify(res.body)).toBe(200)
        }
      }),
    )
    console.log(`created ${TOTAL} reports in ${Date.now() - started} ms`)

    await page.goto(`${server.base}/#/o/default/folders/${encodeURIComponent(folderId)}`)
    await page.getByRole('heading', { name: 'Thousand' }).waitFor()
    const pager = page.getByRole('navigation', { name: 'Pages' })
    const pages = Math.ceil(TOTAL / 50)
    await expect.poll(() => pager.innerText()).toContain(`Page 1 of ${pages}`)
    await page.getByText(`${TOTAL} report(s)`).waitFor()
    const rows = page.locator('table tbody tr')
    expect(await rows.count()).toBe(50)
    const firstPage = await rows.locator('td a').allInnerTexts()
    await checkPage(page, 'folder-1000-page-1')

    await pager.getByRole('button', { name: 'Next' }).click()
    await expect.poll(() => pager.innerText()).toContain(`Page 2 of ${pages}`)
    expect(await rows.count()).toBe(50)
    const secondPage = await rows.locator('td a').allInnerTexts()
    expect(secondPage.filter((n) => firstPage.includes(n))).toEqual([])

    await page.getByLabel('Search reports').fill(name(999))
    await page.getByText('1 report(s)').waitFor()
    expect(await rows.locator('td a').allInnerTexts()).toEqual([name(999)])
    expect(await pager.count()).toBe(0)
    await checkPage(page, 'folder-1000-search')
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
