import type { Browser, BrowserContext, Page } from 'playwright-core'
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
  UI_ROOT_AUTH,
  UI_ROOT_EMAIL,
  UI_ROOT_PASSWORD,
  type UiServer,
  watchPageErrors,
} from '../helpers/browser.ts'
import { reportBody } from '../helpers/factories.ts'

/**
 * The admin pages in Debian's Chromium against a real Herald on PGlite: members and their roles,
 * API tokens (secret shown once), and what a member with few rights sees. PGlite pass only.
 */
const run = hasChromium && !process.env.DATABASE_URL
describe.skipIf(!run)('web UI: admin', () => {
  let server: UiServer
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let errors: string[]
  const rootAuth = UI_ROOT_AUTH

  const call = (method: string, path: string, auth = rootAuth, body?: unknown) =>
    apiCall(server.base, method, path, body, auth)

  beforeAll(async () => {
    ;[server, browser] = await Promise.all([
      // The datasource test saves a URL on this machine (refused by default as loopback).
      startUiServer({ HERALD_DATASOURCE_HOSTS: '127.0.0.1' }),
      launchBrowser(),
    ])
    context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      permissions: ['clipboard-read', 'clipboard-write'],
    })
    page = await context.newPage()
    page.on('dialog', (d) => void d.accept())
    errors = watchPageErrors(page)
    await signInAs(page, server.base, UI_ROOT_EMAIL, UI_ROOT_PASSWORD)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('shows the admin sections', async () => {
    await page.getByRole('link', { name: 'Admin', exact: true }).click()
    await page.getByRole('heading', { name: 'Admin', exact: true }).waitFor()
    const nav = page.getByRole('navigation', { name: 'Admin sections' })
    for (const name of ['Members', 'API tokens', 'Datasources']) {
      await nav.getByRole('link', { name }).waitFor()
    }
    await checkPage(page, 'admin')
  })

  it('adds a member and changes their role', async () => {
    await page.goto(`${server.base}/#/o/default/admin/members`)
    await page.getByRole('heading', { name: 'Members' }).waitFor()
    await page.getByLabel('Email').fill('ann@herald.test')
    await page.getByLabel('Name (optional)').fill('Ann')
    await page.getByLabel('Password (for a new user)').fill('ann-password-123')
    await page.getByRole('button', { name: 'Add member' }).click()
    await expect.poll(() => page.getByRole('status').innerText()).toContain('ann@herald.test added')
    const row = page.getByRole('row', { name: /ann@herald\.test/ })
    await expect.poll(() => row.innerText()).toContain('viewer')
    await checkPage(page, 'admin-members')

    await page.getByRole('button', { name: 'Change roles of ann@herald.test' }).click()
    const picker = page.getByRole('group', { name: 'Roles of ann@herald.test' })
    await picker.getByLabel('viewer').uncheck()
    await picker.getByLabel('editor').check()
    await checkPage(page, 'admin-members-edit')
    await page.getByRole('button', { name: 'Save roles' }).click()
    await expect
      .poll(() => page.getByRole('status').innerText())
      .toContain('Roles of ann@herald.test changed to editor')
    await expect.poll(() => row.innerText()).toContain('editor')
    const members = await call('GET', '/api/v2/default/users')
    expect(members.body.list).toContainEqual({
      email: 'ann@herald.test',
      name: 'Ann',
      roles: ['editor'],
    })
  })

  it('shows a field error from the API on its field', async () => {
    await page.getByLabel('Email').fill('not-an-address')
    await page.getByRole('button', { name: 'Add member' }).click()
    await expect
      .poll(() => page.locator('#member-email-error').innerText())
      .toContain('expected an email address')
    expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true')
  })

  it('creates a token, shows its secret once with a copy button, then revokes it', async () => {
    await page.goto(`${server.base}/#/o/default/admin/tokens`)
    await page.getByRole('heading', { name: 'API tokens' }).waitFor()
    await page.getByText('No API tokens yet.').waitFor()
    await page.getByLabel('Token name').fill('ci-nightly')
    await page.getByRole('group', { name: 'Roles' }).getByLabel('runner').check()
    await page.getByRole('button', { name: 'Create token' }).click()
    const secretBox = page.getByLabel('Secret', { exact: true })
    await secretBox.waitFor()
    const secret = await secretBox.inputValue()
    expect(secret.length).toBeGreaterThan(20)
    await page.getByText('it is shown only this once').waitFor()
    await page.getByRole('button', { name: 'Copy secret' }).click()
    await expect.poll(() => page.getByText('Copied to the clipboard').count()).toBe(1)
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret)
    await checkPage(page, 'admin-token-created')

    // The secret works as a Bearer token, with the roles picked.
    const asToken = await call('GET', '/api/v2/me', `Bearer ${secret}`)
    expect(asToken.status).toBe(200)
    expect(asToken.body.orgs[0].roles).toEqual(['runner'])

    const row = page.getByRole('row', { name: /ci-nightly/ })
    await expect.poll(() => row.innerText()).toContain('runner')
    await page.getByRole('button', { name: 'Done' }).click()
    expect(await page.getByLabel('Secret', { exact: true }).count()).toBe(0)
    await page.reload()
    await page.getByRole('row', { name: /ci-nightly/ }).waitFor()
    expect(await page.locator('body').innerText()).not.toContain(secret)
    expect(await page.content()).not.toContain(secret)
    await checkPage(page, 'admin-tokens')

    await page.getByRole('button', { name: 'Revoke ci-nightly' }).click()
    await expect
      .poll(() => page.getByRole('status').innerText())
      .toContain('Token ci-nightly revoked')
    await page.getByText('No API tokens yet.').waitFor()
    expect((await call('GET', '/api/v2/me', `Bearer ${secret}`)).status).toBe(401)
  })

  it('creates a datasource whose secret is never shown back, and tests connections', async () => {
    const secret = 'Sup3rSecretPw'
    await page.goto(`${server.base}/#/o/default/admin/datasources`)
    await page.getByRole('heading', { name: 'Datasources' }).waitFor()
    await page.getByLabel('Datasource name').fill('warehouse')
    // Nothing listens on port 1: saving is allowed, the test says why it fails.
    await page.getByLabel('Connection URL').fill(`postgres://reader:${secret}@127.0.0.1:1/sales`)
    expect(await page.getByLabel('Connection URL').getAttribute('type')).toBe('password')
    await page.getByRole('button', { name: 'Create datasource' }).click()
    await expect
      .poll(() => page.locator('.notice, .error').first().innerText())
      .toContain('Datasource warehouse created')
    const row = page.getByRole('row', { name: /warehouse/ })
    await expect.poll(() => row.innerText()).toContain('reader:*****@127.0.0.1')
    expect(await page.content()).not.toContain(secret)
    await page.getByRole('button', { name: 'Test connection of warehouse' }).click()
    await expect
      .poll(() => row.getByRole('status').innerText(), { timeout: 20_000 })
      .toContain('is not reachable')
    await checkPage(page, 'admin-datasources')

    await page.getByRole('button', { name: 'Edit warehouse' }).click()
    const newUrl = page.getByLabel('New connection URL')
    expect(await newUrl.inputValue()).toBe('')
    expect(await page.content()).not.toContain(secret)
    await checkPage(page, 'admin-datasource-edit')
    await page.getByLabel('Max connections (optional)').fill('4')
    await page.getByRole('button', { name: 'Save datasource' }).click()
    await expect
      .poll(() => page.locator('.notice, .error').first().innerText())
      .toContain('Datasource warehouse updated')
    const stored = await call('GET', '/api/v2/default/datasources')
    const warehouse = stored.body.list.find((d: { name: string }) => d.name === 'warehouse')
    // Saved without a new URL: the stored one is kept.
    expect(warehouse).toMatchObject({
      url: expect.stringContaining('reader:*****@127.0.0.1:1/sales'),
      options: { max_connections: 4 },
    })
    expect(JSON.stringify(stored.body)).not.toContain(secret)
  }, 90_000)

  it('a viewer of one folder sees only that folder and no edit controls; forced, the API says 403', async () => {
    const folder = async (name: string) =>
      (await call('POST', '/api/v2/default/folders/reports', rootAuth, { name, description: '' }))
        .body.folderId as string
    const teamA = await folder('Team A')
    await folder('Team B')
    const dash = { dashboardId: await sampleDashboardId(server.base) }
    const made = await call(
      'POST',
      `/api/v2/default/reports?folder=${teamA}`,
      rootAuth,
      reportBody(dash.dashboardId, { name: 'team-a-weekly' }),
    )
    expect(made.status, JSON.stringify(made.body)).toBe(200)
    expect(
      (await call('POST', '/api/v2/default/roles', rootAuth, { name: 'team-a-viewer' })).status,
    ).toBe(200)
    const grant = await call('PUT', '/api/v2/default/roles/team-a-viewer/permissions', rootAuth, [
      { object: `rfolder:${teamA}`, actions: ['list', 'get'] },
    ])
    expect(grant.status).toBe(200)
    const added = await call('POST', '/api/v2/default/users', rootAuth, {
      email: 'vic@herald.test',
      password: 'vic-password-123',
      roles: ['team-a-viewer'],
    })
    expect(added.status).toBe(200)

    const viewerContext = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const viewer = await viewerContext.newPage()
    const viewerErrors = watchPageErrors(viewer)
    await signInAs(viewer, server.base, 'vic@herald.test', 'vic-password-123')
    await viewer.getByRole('heading', { name: 'Team A' }).waitFor()
    await viewer.getByRole('link', { name: 'team-a-weekly' }).waitFor()
    const folders = viewer.getByRole('complementary', { name: 'Folders' })
    expect(await folders.getByRole('link').allInnerTexts()).toEqual([
      expect.stringContaining('Team A'),
    ])
    for (const name of ['New report', 'Rename folder', 'Delete folder', 'Create folder']) {
      expect(
        await viewer.getByRole('button', { name }).or(viewer.getByRole('link', { name })).count(),
        name,
      ).toBe(0)
    }
    expect(await viewer.getByRole('checkbox').count()).toBe(0)
    expect(await viewer.getByRole('switch').count()).toBe(0)
    expect(await viewer.getByLabel('New folder').count()).toBe(0)
    expect(await viewer.getByRole('link', { name: 'Admin', exact: true }).count()).toBe(0)
    await checkPage(viewer, 'viewer-folder')

    const vicAuth = `Basic ${Buffer.from('vic@herald.test:vic-password-123').toString('base64')}`
    const refused = await call('GET', '/api/v2/default/tokens', vicAuth)
    expect(refused.status).toBe(403)
    await viewer.goto(`${server.base}/#/o/default/admin/tokens`)
    await expect.poll(() => viewer.getByRole('alert').innerText()).toContain(refused.body.message)
    expect(await viewer.getByRole('button', { name: 'Create token' }).count()).toBe(0)
    await checkPage(viewer, 'viewer-forced-admin')
    expect(viewerErrors).toEqual([])
    await viewerContext.close()
  })

  it('is readable at 768 px', async () => {
    await page.setViewportSize({ width: 768, height: 900 })
    for (const [section, heading] of [
      ['members', 'Members'],
      ['tokens', 'API tokens'],
      ['datasources', 'Datasources'],
    ] as const) {
      await page.goto(`${server.base}/#/o/default/admin/${section}`)
      await page.getByRole('heading', { name: heading }).waitFor()
      await page.getByRole('table').or(page.locator('.empty')).first().waitFor()
      await checkPage(page, `admin-${section}-768`)
      expect(await overflowsSideways(page)).toBe(false)
    }
    await page.setViewportSize({ width: 1280, height: 800 })
    expect(errors).toEqual([])
  })
})
