import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dashboardBody, reportBody } from '../helpers/factories.ts'
import { type HeraldProcess, spawnHerald } from '../helpers/process.ts'

const run = promisify(execFile)
const ROOT = `Basic ${Buffer.from('root@example.com:root-password-123').toString('base64')}`

/** The `herald` CLI against a live server process, as a CI script would use it. */
describe('herald CLI', () => {
  let server: HeraldProcess
  let url: string
  let token: string
  let dataDir: string
  const ids: Record<string, string> = {}

  async function api(method: string, p: string, body?: unknown) {
    const res = await fetch(`${url}${p}`, {
      method,
      headers: { authorization: ROOT, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const json = (await res.json()) as { id: string; token: string; folderId: string }
    return { status: res.status, body: json }
  }

  async function cli(...args: string[]) {
    try {
      const { stdout, stderr } = await run(process.execPath, ['bin/herald.js', ...args], {
        env: { PATH: process.env.PATH ?? '', HERALD_URL: url, HERALD_TOKEN: token },
        cwd: path.resolve(import.meta.dirname, '../..'),
      })
      return { code: 0, stdout, stderr }
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string }
      return { code: e.code, stdout: e.stdout, stderr: e.stderr }
    }
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'herald-cli-'))
    server = spawnHerald({
      PORT: '0',
      DATA_DIR: dataDir,
      HERALD_ROOT_PASSWORD: 'root-password-123',
    })
    await server.started
    const port = /"port":(\d+)/.exec(server.output())?.[1]
    url = `http://127.0.0.1:${port}`
    token = (await api('POST', '/api/v2/ci/tokens', { name: 'ci', roles: ['runner'] })).body.token
    const dash = (await api('POST', '/api/v2/ci/dashboards', dashboardBody())).body.id
    const broken = (
      await api(
        'POST',
        '/api/v2/ci/dashboards',
        dashboardBody({
          tabs: [
            {
              tabId: 'default',
              name: 'x',
              panels: [
                {
                  id: 'p',
                  type: 'table',
                  title: 'Broken',
                  query: { datasource: 'no-such-datasource', sql: 'select 1' },
                },
              ],
            },
          ],
        }),
      )
    ).body.id
    const folder = (
      await api('POST', '/api/v2/ci/folders/reports', { name: 'Nightly', description: '' })
    ).body.folderId
    ids.ok = (
      await api(
        'POST',
        `/api/v2/ci/reports?folder=${folder}`,
        reportBody(dash, { name: 'cached', destinations: [] }),
      )
    ).body.id
    ids.bad = (
      await api('POST', '/api/v2/ci/reports', reportBody(broken, { name: 'broken' }))
    ).body.id
  }, 60_000)

  afterAll(async () => {
    server?.kill()
    await server?.exited
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('exits 0 and prints the run when the run succeeds (by folder/name)', async () => {
    const r = await cli(
      'trigger',
      'ci',
      'Nightly/cached',
      '--from',
      '3 days ago',
      '--to',
      'now',
      '--wait',
      '60',
    )
    expect(r.stdout).toMatch(/^run [0-9A-Za-z]{27} succeeded$/m)
    expect(r.code).toBe(0)
  })

  it('exits 1 with the error when the run fails', async () => {
    const r = await cli('trigger', 'ci', ids.bad!, '--wait', '60')
    expect(r.stdout).toMatch(/ failed$/m)
    expect(r.stderr.length).toBeGreaterThan(0)
    expect(r.code).toBe(1)
  })

  it('exits 3 when the wait elapses before the run ends', async () => {
    const r = await cli('trigger', 'ci', ids.ok!, '--wait', '0')
    expect(r.stdout).toMatch(/^run \w+ (queued|running)$/m)
    expect(r.code).toBe(3)
  })

  it('lists runs', async () => {
    const r = await cli('runs', 'ci', ids.ok!)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/succeeded\s+api/)
  })

  it('exits 2 on usage errors and unknown reports', async () => {
    expect((await cli('trigger', 'ci')).code).toBe(2)
    expect((await cli('trigger', 'ci', 'Nightly/missing')).code).toBe(2)
    expect((await cli('frobnicate')).code).toBe(2)
  })
})
