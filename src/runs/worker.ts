import { hostname } from 'node:os'
import type { Logger } from 'pino'
import type { Clock } from '../clock.ts'
import type { Database } from '../db/client.ts'
import { newId } from '../lib/ids.ts'
import { WakeLoop } from '../lib/wake-loop.ts'
import type { Metrics } from '../metrics.ts'
import type { ReportRow } from '../reports/queries.ts'
import type { RunExecutor, RunResult } from './executor.ts'
import { RUN_DONE_CHANNEL, RUNS_CHANNEL, type RunParameters, type RunRow } from './model.ts'
import { resolveRunParameters } from './params.ts'
import {
  claimRuns,
  type FinishedRun,
  finishRuns,
  nextRunWakeUps,
  notifyRunsDone,
  reapExpiredRuns,
  renewLease,
  requeueLostClaims,
  retireOnceReport,
} from './store/runs.ts'

export interface WorkerOptions {
  database: Database
  clock: Clock
  log: Logger
  executor: RunExecutor
  concurrency?: number
  /** How long a claim lasts without renewal; renewed every third of it. */
  leaseMs?: number
  /** Delays before each retry; a failure after the last one is final. */
  retryDelaysMs?: number[]
  /** Longest sleep between checks, a safety net under LISTEN/NOTIFY. */
  maxIdleMs?: number
  id?: string
  metrics?: Metrics
}

export const DEFAULT_RETRY_DELAYS_MS = [30_000, 120_000, 480_000]

/** A run's outcome waiting to be written with others that finished meanwhile. */
interface Finished {
  run: RunRow
  result: RunResult
  log: Logger
  parameters: RunParameters | undefined
  done(): void
  /** When writing this outcome first failed (performance.now()). */
  failedAt?: number
}

/**
 * Claims queued runs with FOR UPDATE SKIP LOCKED and holds a renewable lease on each while its
 * executor works. Any number of workers in any number of processes share the queue; a run whose
 * lease expires (its process died) is queued again with attempt + 1.
 */
export class Worker {
  readonly id: string
  private readonly database: Database
  private readonly clock: Clock
  private readonly log: Logger
  private readonly executor: RunExecutor
  private readonly concurrency: number
  private readonly leaseMs: number
  private readonly retryDelaysMs: number[]
  private readonly maxIdleMs: number
  private readonly metrics: Metrics | undefined
  private readonly inflight = new Map<string, Promise<void>>()
  private readonly controllers = new Map<string, AbortController>()
  private unlisten: (() => Promise<void>) | undefined
  private readonly loop: WakeLoop
  private lastReap = Number.NEGATIVE_INFINITY
  private finished: Finished[] = []
  private writing: Promise<void> | undefined
  private stopping = false
  /** Runs leased to this worker that it knows of: executing, or their outcome not yet written. */
  private readonly held = new Set<string>()
  private claimMayBeLost = false
  private wakeWriter: (() => void) | undefined

  constructor(o: WorkerOptions) {
    this.database = o.database
    this.clock = o.clock
    this.log = o.log.child({ role: 'worker' })
    this.executor = o.executor
    this.concurrency = o.concurrency ?? 4
    this.leaseMs = o.leaseMs ?? 60_000
    this.retryDelaysMs = o.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
    this.maxIdleMs = o.maxIdleMs ?? 30_000
    this.metrics = o.metrics
    o.executor.capacity?.onFree(() => this.poke())
    this.id = o.id ?? `${hostname()}:${process.pid}:${newId().slice(-6)}`
    this.loop = new WakeLoop({
      name: 'worker',
      log: this.log,
      step: async () => {
        const free = this.free()
        return free > 0 && (await this.tick()) === free
      },
      sleepMs: () => this.sleepMs(),
    })
  }

  /** Runs this worker may claim now: free slots, and no more than the executor can take. */
  private free(): number {
    const slots = this.concurrency - this.inflight.size
    const capacity = this.executor.capacity?.free() ?? slots
    return Math.min(slots, capacity)
  }

  async start(): Promise<void> {
    this.unlisten = await this.database.listen(RUNS_CHANNEL, () => this.loop.poke())
    this.loop.start()
  }

  /** Stops claiming, waits for runs in flight (up to `deadlineMs`), then aborts the rest. */
  async stop(deadlineMs = 10_000): Promise<void> {
    await this.loop.stop()
    await this.unlisten?.()
    const all = Promise.allSettled([...this.inflight.values()])
    const timeout = new Promise((r) => setTimeout(r, deadlineMs).unref())
    await Promise.race([all, timeout])
    for (const c of this.controllers.values()) c.abort()
    // Outcomes that cannot be written now are left to the leases.
    this.stopping = true
    this.wakeWriter?.()
    await this.writing
  }

  /** Ask for a pass soon (a run was queued or finished). */
  poke(): void {
    this.loop.poke()
  }

  /** One pass: requeue expired leases, claim what fits, start executing it. */
  async tick(): Promise<number> {
    // Expired leases are rare (a crash): checking about once a second is enough, and keeps a
    // burst's per-run cost to the claim and the finish.
    const now0 = this.clock.now()
    if (now0 - this.lastReap >= Math.min(this.leaseMs / 4, 1000) || now0 < this.lastReap) {
      this.lastReap = now0
      await this.reapExpired()
    }
    if (this.claimMayBeLost) await this.requeueLostClaims()
    const free = this.free()
    if (free <= 0) return 0
    const claimed = await this.claim(free).catch((err) => {
      // The connection broke after the claim was sent: it may have committed, leaving runs
      // `running` under this worker that it never received. Find them before claiming again.
      this.claimMayBeLost = true
      throw err
    })
    const now = this.clock.now()
    for (const { run, report } of claimed) {
      this.held.add(run.id)
      // A first scheduled attempt is due at its slot; anything else when it was (re)queued.
      const due = run.attempt === 1 && run.scheduledFor ? run.scheduledFor : run.runAfter
      this.metrics?.runStartLag.observe((now - due.getTime()) / 1000)
      const p = this.execute(run, report ?? undefined).finally(() => {
        this.inflight.delete(run.id)
        this.poke()
      })
      this.inflight.set(run.id, p)
    }
    // Let runs that finish at once free their slots before the next claim is sized: otherwise a
    // burst of short runs alternates full claims with empty ones.
    if (claimed.length > 0) await new Promise<void>((resolve) => setImmediate(resolve))
    return claimed.length
  }

  /** Resolves when nothing is in flight and every outcome is written (tests). */
  async idle(): Promise<void> {
    for (;;) {
      await this.loop.settled()
      if (this.inflight.size === 0 && !this.writing) return
      await Promise.allSettled([...this.inflight.values(), this.writing])
    }
  }

  /** Until the next queued run is due or the next lease expires (one round trip). */
  private async sleepMs(): Promise<number> {
    const now = this.clock.now()
    const due = await nextRunWakeUps(this.database)
    return Math.min(now + this.maxIdleMs, ...due) - now + 5
  }

  /**
   * Leases up to `limit` due runs to this worker and reads their reports in the same statement
   * (one round trip: a burst claims thousands). A report deleted meanwhile comes back null.
   */
  async claim(limit: number): Promise<{ run: RunRow; report: ReportRow | null }[]> {
    return claimRuns(this.database, this.id, this.clock.now(), this.leaseMs, limit)
  }

  /**
   * Runs leased to this worker that it does not hold (a claim whose reply was lost) go back to
   * the queue at once, as the attempt they were: they never started.
   */
  private async requeueLostClaims(): Promise<void> {
    const n = await requeueLostClaims(this.database, this.id, this.held, this.clock.now())
    this.claimMayBeLost = false
    if (n) this.log.warn({ runs: n }, 'requeued runs whose claim reply was lost')
  }

  /** Runs whose worker vanished go back to the queue, or fail once out of attempts. */
  async reapExpired(): Promise<number> {
    const maxAttempt = this.retryDelaysMs.length + 1
    const rows = await reapExpiredRuns(this.database, this.clock.now(), maxAttempt)
    if (rows.length) {
      this.metrics?.leaseExpiries.inc(rows.length)
      this.log.warn({ runs: rows.map((r) => r.id) }, 'requeued runs whose lease expired')
      for (const r of rows)
        if (r.state === 'failed') await this.database.notify(RUN_DONE_CHANNEL, r.id)
    }
    return rows.length
  }

  private async execute(run: RunRow, report: ReportRow | undefined): Promise<void> {
    const log = this.log.child({ runId: run.id, reportId: run.reportId, attempt: run.attempt })
    const controller = new AbortController()
    this.controllers.set(run.id, controller)
    const renew = setInterval(
      () => void this.renew(run.id, controller),
      Math.max(50, this.leaseMs / 3),
    )
    renew.unref()
    let result: RunResult
    let parameters: RunParameters | undefined
    try {
      if (!report) {
        result = { state: 'failed', error: 'The report was deleted' }
      } else {
        parameters = resolveRunParameters(report, run)
        result = await this.executor.execute({
          run,
          report,
          parameters,
          signal: controller.signal,
          log,
        })
        // A `once` report is done after its run succeeds: it never fires again.
        const freq = report.frequency as { type: string }
        if (result.state === 'succeeded' && run.trigger === 'schedule' && freq.type === 'once')
          await retireOnceReport(this.database, report.id)
      }
    } catch (err) {
      log.warn({ err }, 'run attempt failed')
      result = this.retryOrFail(run, err instanceof Error ? err.message : String(err))
    } finally {
      clearInterval(renew)
      this.controllers.delete(run.id)
    }
    // The slot is free once the outcome is handed over: the next claim need not wait for the
    // write (idle() and stop() do). Until it lands the run is `running` under our lease.
    void this.finish(run, result, log, parameters)
  }

  private retryOrFail(run: RunRow, error: string): RunResult {
    const delay = this.retryDelaysMs[run.attempt - 1]
    if (delay === undefined) return { state: 'failed', error }
    return { state: 'retry', retryAt: this.clock.now() + delay, error, newAttempt: true }
  }

  /**
   * Records the outcome (and the resolved parameters) if this worker still holds the lease.
   * Outcomes that arrive while a write is in progress go together in the next one, so a burst of
   * short runs costs one UPDATE per batch instead of one per run.
   */
  private finish(
    run: RunRow,
    result: RunResult,
    log: Logger,
    parameters: RunParameters | undefined,
  ): Promise<void> {
    return new Promise<void>((done) => {
      this.finished.push({ run, result, log, parameters, done })
      this.startWriting()
    })
  }

  private startWriting(): void {
    if (this.writing) return
    this.writing = this.writeFinished().finally(() => {
      this.writing = undefined
      // An outcome may have arrived after the last batch was taken but before this ran.
      if (this.finished.length > 0) this.startWriting()
    })
  }

  private async writeFinished(): Promise<void> {
    let failures = 0
    // Outcomes that arrive within a few ms share one statement: in a burst, fewer and larger
    // writes leave the database more time for claims (a 10,000-run drain was ~20 % faster).
    await new Promise((r) => setTimeout(r, COALESCE_MS))
    while (this.finished.length > 0) {
      const batch = this.finished.splice(0, 1000)
      try {
        await this.writeBatch(batch)
        failures = 0
        for (const b of batch) this.release(b)
      } catch (err) {
        failures++
        this.log.error({ err, runs: batch.length }, 'could not record run outcomes; retrying')
        this.finished.unshift(...this.stillOurs(batch))
        if (this.stopping) break
        // Real time, not the injected clock: this waits out an outage, it plans no schedule.
        await new Promise<void>((resolve) => {
          this.wakeWriter = resolve
          setTimeout(resolve, Math.min(5000, 100 * 2 ** failures)).unref()
        })
        this.wakeWriter = undefined
      }
    }
    if (this.stopping) for (const b of this.finished.splice(0)) this.release(b)
  }

  private release(b: Finished): void {
    this.held.delete(b.run.id)
    b.done()
  }

  /**
   * After a failed write (the database restarting, a failover) the outcomes are still known
   * here, so they are written again once the database answers instead of leaving the runs to
   * wait out their leases. A write lands only while the lease is ours, so a late one is
   * harmless; after a lease's length of failures a run is left to the reaper (queued again).
   */
  private stillOurs(batch: Finished[]): Finished[] {
    const now = performance.now()
    return batch.filter((b) => {
      b.failedAt ??= now
      if (now - b.failedAt < this.leaseMs) return true
      this.release(b)
      return false
    })
  }

  private async writeBatch(batch: Finished[]): Promise<void> {
    const nowMs = this.clock.now()
    const now = new Date(nowMs).toISOString()
    const rows: FinishedRun[] = batch.map(({ run, result, parameters }) => ({
      id: run.id,
      // A dry run's result is recorded with the parameters it ran with.
      parameters:
        parameters && result.state === 'succeeded' && result.dryRun
          ? { ...parameters, dry_run_result: result.dryRun }
          : (parameters ?? null),
      ...(result.state === 'retry'
        ? {
            state: 'queued' as const,
            error: result.error,
            attempt: result.newAttempt ? run.attempt + 1 : run.attempt,
            run_after: new Date(result.retryAt).toISOString(),
            finished_at: null,
          }
        : {
            state: result.state,
            error: result.state === 'succeeded' ? null : result.error,
            attempt: run.attempt,
            run_after: null,
            finished_at: now,
          }),
    }))
    const mine = await finishRuns(this.database, this.id, rows, nowMs)
    const notify: string[] = []
    let requeued = false
    batch.forEach(({ run, log }, i) => {
      const row = rows[i]
      if (!row) return
      if (!mine.has(run.id)) {
        log.warn('lease lost before the run finished; another worker owns it now')
        return
      }
      log.info({ state: row.state, error: row.error ?? undefined }, 'run finished')
      if (row.state === 'queued') requeued = true
      // Triggers wait for their run and owner alerts for failures; a burst's thousands of
      // succeeded scheduled runs need no wake-up.
      else if (run.trigger !== 'schedule' || row.state === 'failed') notify.push(run.id)
    })
    if (requeued) await this.database.notify(RUNS_CHANNEL, '')
    if (notify.length > 0) {
      // One statement, one notification per run: listeners look for their run's id.
      await notifyRunsDone(this.database, notify)
    }
  }

  private async renew(runId: string, controller: AbortController): Promise<void> {
    try {
      const ok = await renewLease(this.database, runId, this.id, this.clock.now() + this.leaseMs)
      if (!ok) controller.abort(new Error('lease lost'))
    } catch (err) {
      this.log.warn({ err, runId }, 'lease renewal failed')
    }
  }
}

const COALESCE_MS = 10
