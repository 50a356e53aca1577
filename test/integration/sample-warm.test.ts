import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/config.ts'
import { type Herald, startHerald } from '../../src/server.ts'
import { basic } from '../helpers/app.ts'
import { createTestDatabase, postgresUrl, type TestDatabase, waitFor } from '../helpers/db.ts'

/** Log lines of the server, as messages, in order. */
function recordingLog() {
  const messages: string[] = []
  const lines: Record<string, unknown>[] = []
  const log = pino(
    { level: 'info' },
    {
      write(line: string) {
        const parsed = JSON.parse(line) as { msg: string }
        messages.push(parsed.msg)
        lines.push(parsed)
      },
    },
  )
  return { log, messages, lines }
}

describe('the sample database at start', () => {
  let dataDir: string
  let tdb: TestDatabase | undefined
  let herald: Herald
  const { log, messages, lines } = recordingLog()
  const auth = basic('root@example.com', 'root-password-123')
  const url = (p: string) => `http://127.0.0.1:${herald.port}${p}`

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'herald-warm-'))
    tdb = postgresUrl ? await createTestDatabase() : undefined
    const config = parseConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: tdb?.url,
      PORT: '0',
      HERALD_ROLES: 'api',
      HERALD_ROOT_PASSWORD: 'root-password-123',
    })
    herald = await startHerald(config, { log })
  })
  afterAll(async () => {
    await herald?.stop()
    await tdb?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('is created and filled before /readyz says 200, so the first preview does not wait for it', async () => {
    await waitFor('/readyz 200', async () =>
      (await fetch(url('/readyz'))).status === 200 ? true : undefined,
    )
    // Nobody has queried it yet: the process started it on its own.
    expect(messages).toContain('sample database seeded')
    // Filled by a child process, so initdb's and the bulk insert's memory left with it.
    expect(lines.find((l) => l.msg === 'sample database seeded')?.in).toBe('child process')
    expect(messages).toContain('sample database ready')
    // A render thread has started and drawn its warm-up PDF and PNG before the process said ready.
    expect(messages).toContain('render thread ready')

    const list = await fetch(url('/api/v2/default/dashboards'), {
      headers: { authorization: auth },
    })
    const dash = (
      (await list.json()) as { list: { title: string; dashboardId: string }[] }
    ).list.find((d) => d.title === 'Sample sales')
    expect(dash).toBeDefined()
    const res = await fetch(
      url(`/api/v2/default/dashboards/${dash!.dashboardId}/render?format=csv`),
      {
        method: 'POST',
        headers: { authorization: auth },
      },
    )
    expect(res.status).toBe(200)
    expect((await res.text()).split('\n').length).toBeGreaterThan(2)
    // The preview used the database started at boot, not one of its own.
    expect(messages.filter((m) => m === 'sample database ready')).toHaveLength(1)
  })
})
