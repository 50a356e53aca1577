import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

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
const { parentPort, workerData } = require('node:worker_threads')
;(async () => {
  const { PGlite } = await import(workerData.pgliteUrl)
  const db = await PGlite.create(workerData.dataDir)
  await db.close()
  parentPort.postMessage({ done: true })
})().catch((e) => parentPort.postMessage({ error: String((e && e.stack) || e) }))
`

/**
 * Creates a PGlite data directory in a short-lived thread when it does not exist yet. Creating
 * one runs initdb, whose WebAssembly memory (~500 MB) stays in the process that ran it until a
 * garbage collection that may never come; run in a thread, it is gone when the thread ends, and
 * the instance Herald then opens starts as small as on any later start.
 */
export async function createPgliteDirIfMissing(dataDir: string): Promise<void> {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return
  const worker = new Worker(INIT_SOURCE, {
    eval: true,
    workerData: { pgliteUrl: pgliteEntry(), dataDir },
  })
  try {
    const reply = await new Promise<{ done?: true; error?: string }>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`PGlite init thread exited with ${code}`)))
    })
    if (reply.error) throw new Error(`could not create the database in ${dataDir}: ${reply.error}`)
  } finally {
    await worker.terminate()
  }
}
