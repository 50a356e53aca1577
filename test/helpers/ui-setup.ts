import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type BrowserServer, chromium } from 'playwright-core'
import type { TestProject } from 'vitest/node'
import { openAndMigrate } from '../../src/db/open.ts'
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Answers the shared UI fixture (see below) on first GET; empty when there is none. */
    uiFixtureUrl: string
  }
}

/** What every UI test file shares: one browser to connect to, one migrated database to copy. */
export interface UiFixture {
  wsEndpoint: string
  /** A PGlite data directory after every migration; each Herald gets its own copy. */
  templateDbDir: string
}

/**
 * The UI tests' shared, expensive parts, made once per run and only if a UI test asks: one
 * Chromium (each file connects and opens its own context, so cookies and storage stay apart) and
 * one migrated PGlite directory (each file's Herald starts on a copy: its own database, without
 * paying initdb and every migration again, ~10 s of CPU each on the CI machine). A run without UI
 * tests only opens this tiny HTTP server, which starts nothing until asked.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let browserServer: BrowserServer | undefined
  let dir: string | undefined
  let made: Promise<UiFixture> | undefined

  async function prepare(): Promise<UiFixture> {
    dir = await mkdtemp(path.join(tmpdir(), 'herald-ui-tpl-'))
    const templateDbDir = path.join(dir, 'db')
    const [server] = await Promise.all([
      chromium.launchServer({ executablePath: CHROMIUM, args: CHROMIUM_ARGS }),
      // Herald's own opening path, so the copy is exactly what a fresh DATA_DIR would hold.
      openAndMigrate({ databaseUrl: undefined, dataDir: dir }).then((db) => db.close()),
    ])
    browserServer = server
    return { wsEndpoint: server.wsEndpoint(), templateDbDir }
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
