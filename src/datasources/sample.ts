import { existsSync, mkdirSync, rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Logger } from 'pino'
import type { Clock } from '../clock.ts'
import { DirectoryLockedError, lockDataDir } from '../db/pglite-lock.ts'
import { pgliteEntry, pgliteStartParams, runNodeChild } from '../db/pglite-settings.ts'
import { threadModule } from '../render/thread-module.ts'
import {
  type Connection,
  DatasourceUnavailableError,
  type QueryResult,
  QueryTimeoutError,
  type SessionOptions,
  type Statement,
} from './connection.ts'
import { sampleSchemaSql, seedSample } from './sample-data.ts'

/**
 * The built-in `sample` datasource: an embedded PGlite database, separate from Herald's own.
 *
 * PGlite runs queries on the thread that calls it and ignores statement_timeout, so a slow panel
 * query (`pg_sleep`, a huge join) would freeze the whole process. It therefore lives in a worker
 * thread: a session past its time limit gets the thread terminated, and the next query starts a
 * fresh one. Sessions are serialised (PGlite has one connection), and each one's clock starts
 * only when it gets the thread, so a query never pays for the one before it.
 */

// Plain JavaScript evaluated in the thread: it needs no loader, whether Herald runs under tsx,
// vitest or a build.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
;(async () => {
  const { PGlite } = await import(workerData.pgliteUrl)
  const opts = { startParams: [...PGlite.defaultStartParams, ...workerData.extraParams] }
  const db = workerData.dataDir
    ? await PGlite.create(workerData.dataDir, opts)
    : await PGlite.create(opts)
  parentPort.on('message', async (m) => {
    if (m.close) {
      await db.close().catch(() => {})
      parentPort.postMessage({ closed: true })
      return
    }
    try {
      const r = await db.query(m.sql, m.params)
      parentPort.postMessage({ id: m.id, columns: r.fields.map((f) => f.name), rows: r.rows })
    } catch (e) {
      const error = { message: String((e && e.message) || e), code: e && e.code }
      parentPort.postMessage({ id: m.id, error })
    }
  })
  parentPort.postMessage({ ready: true })
})().catch((e) => parentPort.postMessage({ fatal: String((e && e.stack) || e) }))
`

/**
 * Creates and fills a new sample database directory in a child process (`sample-fill.ts`), so
 * the memory that initdb and the bulk insert grow inside PGlite leaves with the child.
 */
async function fillSampleDirectory(dir: string, nowMs: number): Promise<void> {
  const entry = await threadModule(new URL('./sample-fill.ts', import.meta.url))
  await runNodeChild([fileURLToPath(entry), dir, String(nowMs)])
}

/** An error raised by the database in the thread, with its SQLSTATE. */
export class SampleQueryError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message)
    this.name = 'SampleQueryError'
  }
}

type Reply =
  | { ready: true }
  | { fatal: string }
  | { closed: true }
  | { id: number; columns: string[]; rows: Record<string, unknown>[] }
  | { id: number; error: { message: string; code?: string } }

/** One thread hosting one PGlite instance. */
class SampleThread {
  readonly ready: Promise<void>
  private readonly worker: Worker
  private readonly pending = new Map<
    number,
    { resolve: (r: QueryResult) => void; reject: (e: Error) => void }
  >()
  private nextId = 0
  private dead: Error | undefined
  private started: { resolve: () => void; reject: (e: Error) => void } | undefined
  private onClosed: (() => void) | undefined

  constructor(dataDir: string | undefined) {
    this.ready = new Promise<void>((resolve, reject) => {
      this.started = { resolve, reject }
    })
    this.ready.catch(() => {})
    this.worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: {
        pgliteUrl: pgliteEntry(),
        dataDir,
        // The sample is a few MB: 16 MB of shared buffers hold all of it.
        extraParams: pgliteStartParams([], '16MB'),
      },
      // Rows pass through this thread's heap on their way out; left to V8's defaults it swells
      // under a burst of panel queries as the render threads' did (see render/pool.ts).
      resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 8 },
    })
    // Never the reason the process stays up; close() ends it on shutdown.
    this.worker.unref()
    this.worker.on('message', (m: Reply) => this.receive(m))
    this.worker.on('error', (err) => this.fail(err))
    this.worker.on('exit', () =>
      this.fail(new DatasourceUnavailableError('sample database stopped')),
    )
  }

  private receive(m: Reply): void {
    if ('ready' in m) this.started?.resolve()
    else if ('fatal' in m) this.fail(new DatasourceUnavailableError(`sample database: ${m.fatal}`))
    else if ('closed' in m) this.onClosed?.()
    else {
      const p = this.pending.get(m.id)
      this.pending.delete(m.id)
      if ('error' in m) p?.reject(new SampleQueryError(m.error.message, m.error.code))
      else p?.resolve({ columns: m.columns, rows: m.rows })
    }
  }

  get alive(): boolean {
    return !this.dead
  }

  private fail(err: Error): void {
    if (this.dead) return
    this.dead = err
    this.started?.reject(err)
    for (const p of this.pending.values()) p.reject(err)
    this.pending.clear()
  }

  query(sql: string, params: unknown[] = []): Promise<QueryResult> {
    if (this.dead) return Promise.reject(this.dead)
    const id = ++this.nextId
    return new Promise<QueryResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage({ id, sql, params })
    })
  }

  /** Stops the thread now, whatever it is doing. */
  async kill(reason: Error): Promise<void> {
    this.fail(reason)
    await this.worker.terminate()
  }

  /** Closes the database cleanly (flushing it to disk), then the thread. */
  async close(): Promise<void> {
    if (!this.dead) {
      const closed = new Promise<void>((resolve) => {
        this.onClosed = resolve
      })
      this.worker.postMessage({ close: true })
      await Promise.race([closed, new Promise((r) => setTimeout(r, 5000).unref())])
    }
    this.fail(new DatasourceUnavailableError('sample database closed'))
    await this.worker.terminate()
  }
}

export interface SampleDatabaseOptions {
  /** Where the database lives; in memory when absent (tests, or when the directory is taken). */
  dataDir?: string
  clock: Clock
  log: Logger
  /** The thread is stopped after this long without a query, giving its memory back. */
  idleCloseMs?: number
}

export class SampleDatabase implements Connection {
  private readonly clock: Clock
  private readonly log: Logger
  private readonly idleCloseMs: number
  private dataDir: string | undefined
  private unlock: (() => void) | undefined
  private thread: SampleThread | undefined
  private starting: Promise<SampleThread> | undefined
  private tail: Promise<unknown> = Promise.resolve()
  private idleTimer: NodeJS.Timeout | undefined
  private closed = false

  constructor(o: SampleDatabaseOptions) {
    this.clock = o.clock
    this.log = o.log.child({ datasource: 'sample' })
    this.idleCloseMs = o.idleCloseMs ?? 10 * 60_000
    this.dataDir = o.dataDir
  }

  readOnly<T>(opts: SessionOptions, fn: (q: Statement) => Promise<T>): Promise<T> {
    return this.serialise(() => this.session(opts, fn))
  }

  /**
   * Creates (or opens) and fills the database now, in the background, so the first query after
   * start does not pay for it. Settles when the database is ready or has failed to start; a
   * failure is logged and the next query tries again.
   */
  warm(): Promise<void> {
    return this.serialise(() => this.open()).then(
      () => this.armIdle(),
      (err) => this.log.warn({ err }, 'sample database did not start; the next query retries'),
    )
  }

  /** Runs statements outside any restriction (seeding and tests only). */
  exec(sql: string, params?: unknown[]): Promise<QueryResult> {
    return this.serialise(async () => (await this.open()).query(sql, params))
  }

  async close(): Promise<void> {
    this.closed = true
    clearTimeout(this.idleTimer)
    // A query still running gets a moment; past that, shutting down wins and the thread is cut.
    await Promise.race([this.tail.catch(() => {}), new Promise((r) => setTimeout(r, 2000).unref())])
    const thread = await this.starting?.catch(() => undefined)
    this.starting = undefined
    this.thread = undefined
    await thread?.close()
    this.unlock?.()
    this.unlock = undefined
  }

  private serialise<T>(job: () => Promise<T>): Promise<T> {
    const run = this.tail.then(job, job)
    this.tail = run.catch(() => {})
    return run
  }

  private async session<T>(opts: SessionOptions, fn: (q: Statement) => Promise<T>): Promise<T> {
    const thread = await this.open()
    clearTimeout(this.idleTimer)
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      this.thread = undefined
      this.starting = undefined
      this.log.warn({ timeoutMs: opts.timeoutMs }, 'sample query timed out; restarting its thread')
      void thread.kill(new QueryTimeoutError(opts.timeoutMs))
    }, opts.timeoutMs)
    try {
      await thread.query('BEGIN READ ONLY')
      try {
        await thread.query("SELECT set_config('TimeZone', $1, true)", [opts.timeZone])
        return await fn((text, values) => thread.query(text, values))
      } finally {
        if (thread.alive) await thread.query('ROLLBACK')
      }
    } catch (err) {
      if (timedOut) throw new QueryTimeoutError(opts.timeoutMs)
      throw err
    } finally {
      clearTimeout(timer)
      this.armIdle()
    }
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer)
    this.idleTimer = setTimeout(() => {
      void this.serialise(async () => {
        const thread = this.thread
        this.thread = undefined
        this.starting = undefined
        await thread?.close()
        if (thread) this.log.info('sample database idle; thread stopped')
      })
    }, this.idleCloseMs)
    this.idleTimer.unref()
  }

  private open(): Promise<SampleThread> {
    if (this.closed) return Promise.reject(new DatasourceUnavailableError('sample database closed'))
    if (this.thread?.alive) return Promise.resolve(this.thread)
    if (!this.starting) {
      this.starting = this.start().then(
        (t) => {
          this.thread = t
          return t
        },
        (err) => {
          this.starting = undefined
          throw err
        },
      )
    }
    return this.starting
  }

  private async start(): Promise<SampleThread> {
    const started = performance.now()
    const dir = this.claimDir()
    if (dir && !existsSync(path.join(dir, 'PG_VERSION'))) {
      await fillSampleDirectory(dir, this.clock.now()).then(
        () => this.log.info({ dir, in: 'child process' }, 'sample database seeded'),
        (err) => {
          // Filled below in the thread instead, at the cost of the memory it keeps.
          this.log.warn({ err }, 'could not fill the sample database in a child process')
          rmSync(dir, { recursive: true, force: true })
          mkdirSync(dir, { recursive: true })
        },
      )
    }
    let thread = new SampleThread(dir)
    try {
      await thread.ready
      // One statement at a time: the extended protocol takes no more.
      for (const stmt of sampleSchemaSql.split(';').map((s) => s.trim())) {
        if (stmt) await thread.query(stmt)
      }
      const { rows } = await thread.query('SELECT NOT EXISTS (SELECT 1 FROM orders) AS empty')
      if (rows[0]?.empty) {
        await thread.query('BEGIN')
        await seedSample((sql, params) => thread.query(sql, params), this.clock.now())
        await thread.query('COMMIT')
        this.log.info({ dir: dir ?? 'memory' }, 'sample database seeded')
        // Filling it grows the thread's WebAssembly memory to ~1.5× what querying needs, and
        // that memory is never given back: open the database afresh (on disk, it is all there).
        if (dir) {
          await thread.close()
          thread = new SampleThread(dir)
          await thread.ready
        }
      }
    } catch (err) {
      await thread.kill(err as Error).catch(() => {})
      throw err instanceof DatasourceUnavailableError
        ? err
        : new DatasourceUnavailableError(
            `sample database failed to start: ${(err as Error).message}`,
          )
    }
    // A freshly opened instance has empty buffers and catalog caches: the first dashboard's six
    // panel queries would each pay for reading their table and planning against cold catalogs.
    // One pass over every table and the functions the sample panels use, now, in the background.
    await thread
      .query(
        `SELECT (SELECT count(*) FROM orders WHERE created_at > now() - interval '10 years'),
                (SELECT count(*) FROM signups WHERE created_at > now() - interval '10 years'),
                (SELECT count(*) FROM latency WHERE ts > now() - interval '10 years'),
                (SELECT count(*) FROM (SELECT date_trunc('day', created_at), status, sum(amount)
                                         FROM orders GROUP BY 1, 2) AS g)`,
      )
      .catch((err) => this.log.warn({ err }, 'sample warm-up query failed'))
    this.log.info({ ms: Math.round(performance.now() - started) }, 'sample database ready')
    return thread
  }

  /** The directory to open, locked for this process; memory if another process holds it. */
  private claimDir(): string | undefined {
    if (!this.dataDir || this.unlock) return this.dataDir && path.join(this.dataDir, 'pgdata')
    try {
      this.unlock = lockDataDir(this.dataDir)
      mkdirSync(path.join(this.dataDir, 'pgdata'), { recursive: true })
      return path.join(this.dataDir, 'pgdata')
    } catch (err) {
      if (!(err instanceof DirectoryLockedError)) throw err
      this.log.warn(
        { dir: this.dataDir },
        'sample database directory is used by another process; using a copy in memory',
      )
      this.dataDir = undefined
      return undefined
    }
  }
}
