import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type BrowserServer, chromium } from 'playwright-core'
import type { TestProject } from 'vitest/node'
import { systemClock } from '../../src/clock.ts'
import { SampleDatabase } from '../../src/datasources/sample.ts'
import { openAndMigrate } from '../../src/db/open.ts'
import { createLogger } from '../../src/log.ts'
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Answers the shared UI fixture (see below) on first GET; empty when there is none. */
    uiFixtureUrl: string
  }
}

/** What every UI test file shares: one browser to connect to, one data directory to copy. */
export interface UiFixture {
  wsEndpoint: string
  /**
   * A DATA_DIR holding Herald's PGlite database after every migration (`db/`) and the sample
   * datasource's database, seeded (`sample/`); each Herald starts on its own copy.
   */
  templateDataDir: string
}

/**
 * The UI tests' shared, expensive parts, made once per run and only if a UI test asks: one
 * Chromium (each file connects and opens its own context, so cookies and storage stay apart) and
 * one data directory (each file's Herald starts on a copy: its own databases, without paying
 * initdb and every migration, ~10 s of CPU each on the CI machine, nor initdb and the seeding of
 * the sample datasource, which a fresh Herald does in the background while the first test runs).
 * A run without UI tests only opens this tiny HTTP server, which starts nothing until asked.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let browserServer: BrowserServer | undefined
  let dir: string | undefined
  let made: Promise<UiFixture> | undefined

  async function prepare(): Promise<UiFixture> {
    const templateDataDir = await mkdtemp(path.join(tmpdir(), 'herald-ui-tpl-'))
    dir = templateDataDir
    // Herald's own code and paths, so the copy is what a DATA_DIR holds after a first start.
    const sample = new SampleDatabase({
      dataDir: path.join(templateDataDir, 'sample'),
      clock: systemClock,
      log: createLogger('silent'),
    })
    const [server] = await Promise.all([
      chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
      openAndMigrate({ databaseUrl: undefined, dataDir: templateDataDir }).then((db) => db.close()),
      sample.warm().finally(() => sample.close()),
    ])
    browserServer = server
    return { wsEndpoint: server.wsEndpoint(), templateDataDir }
  }

  const http = createServer((_req, res) => {
    made ??= prepare()
    made.then(
      (fixture) => {
        res.setHeader('Content-Type', 'application/json')
        res.end(JSON.stringify(fixture))
      },
      (err: Error) => {
        res.statusCode = 500
        res.end(String(err?.stack ?? err))
      },
    )
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  project.provide('uiFixtureUrl', `http://127.0.0.1:${(http.address() as AddressInfo).port}`)
  return async () => {
    await new Promise<void>((resolve) => http.close(() => resolve()))
    await made?.catch(() => {})
    await browserServer?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  }
}
