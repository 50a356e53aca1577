import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

/**
 * How Herald starts its embedded PostgreSQL instances (its own database and the sample).
 *
 * PostgreSQL's default 128 MB of shared buffers are allocated inside PGlite's WebAssembly memory
 * up front and never given back. Herald's own tables and the sample are a few megabytes, and the
 * files sit in the OS page cache anyway, so a smaller pool costs nothing measurable and keeps
 * ~100 MB per instance out of the process.
 */
export function pgliteStartParams(
  defaults: readonly string[],
  sharedBuffers: '16MB' | '32MB',
): string[] {
  return [...defaults, '-c', `shared_buffers=${sharedBuffers}`]
}

/** The import URL of PGlite, for a thread evaluated from source (no loader there). */
export function pgliteEntry(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href
}

const INIT_SOURCE = `
const [pgliteUrl, dataDir] = process.argv.slice(1)
const { PGlite } = await import(pgliteUrl)
const db = await PGlite.create(dataDir)
await db.close()
`

/**
 * Creates a PGlite data directory in a short-lived child process when it does not exist yet.
 * Creating one runs initdb, whose WebAssembly memory (~500 MB) would stay in the process that ran
 * it: even a thread's memory, once the thread ends, mostly stays with the process's allocator
 * (measured: a closed sample thread left 105–190 MB resident). A child gives all of it back when
 * it exits, and the instance Herald then opens starts as small as on any later start.
 */
export async function createPgliteDirIfMissing(dataDir: string): Promise<void> {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return
  try {
    await runNodeChild(['--input-type=module', '-e', INIT_SOURCE, pgliteEntry(), dataDir])
  } catch (err) {
    throw new Error(`could not create the database in ${dataDir}: ${(err as Error).message}`)
  }
}

/**
 * Runs `node <args>` (no loader: plain JavaScript or a bundled module) and resolves when it exits
 * 0; rejects with the end of what it printed otherwise.
 */
export function runNodeChild(args: string[], timeoutMs = 300_000): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      args,
      { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        if (!err) return resolve()
        const detail = String(stderr).trim().split('\n').slice(-5).join(' | ')
        reject(new Error(detail || err.message))
      },
    )
  })
}
