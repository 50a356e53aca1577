import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync } from 'node:fs'
import { cp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { type Browser, chromium, type Page } from 'playwright-core'
import { expect, inject } from 'vitest'
import { CHROMIUM } from './chromium.ts'
import { type HeraldProcess, spawnHerald } from './process.ts'
import type { UiFixture } from './ui-setup.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

export { CHROMIUM }
export const hasChromium = existsSync(CHROMIUM)
if (!hasChromium) {
  console.warn(
    `UI tests skipped: no browser at ${CHROMIUM} (apt-get install -y chromium, or set HERALD_CHROMIUM)`,
  )
}
/** Screenshots for review, never committed (.gitignore). */
export const SHOTS_DIR = path.join(root, 'test-results', 'screenshots')

export const UI_ROOT_EMAIL = 'root@herald.test'
export const UI_ROOT_PASSWORD = 'root-password-123'
export const UI_ROOT_AUTH = `Basic ${Buffer.from(`${UI_ROOT_EMAIL}:${UI_ROOT_PASSWORD}`).toString('base64')}`

/** The API as a script sees it (not through the page): JSON in, status and parsed body out. */
export async function apiCall(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  auth = UI_ROOT_AUTH,
) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      Authorization: auth,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

/** The id of the "Sample sales" dashboard every UI server seeds; fails the test if it is missing. */
export async function sampleDashboardId(base: string): Promise<string> {
  const { body } = await apiCall(base, 'GET', '/api/v2/default/dashboards')
  const sample = (body?.list ?? []).find((d: { title: string }) => d.title === 'Sample sales')
  if (!sample) throw new Error(`no seeded "Sample sales" dashboard: ${JSON.stringify(body)}`)
  return sample.dashboardId as string
}

export interface UiServer {
  base: string
  dataDir: string
  process: HeraldProcess
  close(): Promise<void>
}

let fixture: Promise<UiFixture> | undefined

/** The run's shared browser and migrated database (test/helpers/ui-setup.ts), made on first ask. */
function uiFixture(): Promise<UiFixture> {
  fixture ??= fetch(inject('uiFixtureUrl')).then(async (res) => {
    if (!res.ok) throw new Error(`UI fixture: ${res.status} ${await res.text()}`)
    return (await res.json()) as UiFixture
  })
  return fixture
}

/**
 * A real Herald (`npm start`'s entry, every role) on its own embedded PGlite database and a free
 * port, with the sample dashboard, so the browser sees exactly what `npm start` serves. The
 * DATA_DIR starts as a copy of one made for this run (test/helpers/ui-setup.ts): the file's own
 * databases, already migrated and with the sample datasource seeded; Herald creates root, its
 * secret and the sample dashboard itself, as on a first start.
 */
export async function startUiServer(env: Record<string, string> = {}): Promise<UiServer> {
  const dataDir = path.join(tmpdir(), `herald-ui-${randomBytes(4).toString('hex')}`)
  await cp((await uiFixture()).templateDataDir, dataDir, { recursive: true })
  const p = spawnHerald({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    HERALD_ROOT_EMAIL: UI_ROOT_EMAIL,
    HERALD_ROOT_PASSWORD: UI_ROOT_PASSWORD,
    HERALD_SEED_SAMPLE: 'true',
    LOG_LEVEL: 'info',
    ...env,
  })
  try {
    await p.started
  } catch (err) {
    p.kill()
    throw err
  }
  const port = /"port":(\d+)/.exec(p.output())?.[1]
  if (!port) throw new Error(`no port in:\n${p.output()}`)
  return {
    base: `http://127.0.0.1:${port}`,
    dataDir,
    process: p,
    close: async () => {
      p.kill()
      await p.exited
    },
  }
}

/**
 * The run's one Chromium, connected to from this file. Its `close()` disconnects and drops the
 * contexts this file opened; each file opens its own (browser.newContext / newPage), so cookies
 * and storage never cross files.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.connect((await uiFixture()).wsEndpoint)
}

/** Fails the test on any uncaught page error or console error (e.g. a module that 404s). */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text()))
      errors.push(`console: ${m.text()}`)
  })
  return errors
}

const AXE = path.join(root, 'node_modules', 'axe-core', 'axe.min.js')

/**
 * Saves a screenshot of the page as `name.png` and checks it with axe-core: no serious or
 * critical violations, and nothing that reads `[object Object]`.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true })
  await page.screenshot({ path: path.join(SHOTS_DIR, `${name}.png`), fullPage: true })
  const text = await page.locator('body').innerText()
  expect(text).not.toContain('[object Object]')
  expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/)
  await page.addScriptTag({ path: AXE })
  // A string, evaluated in the page: the test's tsconfig has no DOM types.
  const violations = (await page.evaluate(`axe
    .run(document, { resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 5),
    })))`)) as { id: string; impact: string; help: string; targets: string[] }[]
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(bad, `axe on ${name}`).toEqual([])
}

/** Whether the page scrolls sideways (unreadable at this width). */
export async function overflowsSideways(page: Page): Promise<boolean> {
  return (await page.evaluate(
    'document.documentElement.scrollWidth > document.documentElement.clientWidth',
  )) as boolean
}

/** Signs in through the page's own form. */
export async function signInAs(page: Page, base: string, email: string, password: string) {
  await page.goto(`${base}/`)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('button', { name: 'Sign out' }).waitFor()
}
