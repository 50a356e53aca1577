import { and, asc, eq, lte, min, sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Clock } from '../clock.ts'
import type { Database } from '../db/client.ts'
import { reports } from '../db/schema/index.ts'
import { newId } from '../lib/ids.ts'
import { WakeLoop } from '../lib/wake-loop.ts'
import type { Metrics } from '../metrics.ts'
import { scheduleOf } from '../reports/schedule-of.ts'
import { REPORTS_CHANNEL, RUNS_CHANNEL } from '../runs/model.ts'
import { insertQueuedRuns } from '../runs/store/runs.ts'
import { catchUp, nextAfterRun } from '../schedule/index.ts'

export interface SchedulerOptions {
  database: Database
  clock: Clock
  log: Logger
  /** Reports claimed per transaction. */
  batchSize?: number
  /** Longest sleep between checks, a safety net under LISTEN/NOTIFY. */
  maxIdleMs?: number
  /**
   * Runs are queued this long before their slot, to wait for it (run_after = the slot), so a
   * burst's scheduling work is done before the burst: at 09:00 workers only claim.
   */
  lookaheadMs?: number
  metrics?: Metrics
}

/** The slots of one schedule at one planned time: the same for every report sharing them. */
interface Slots {
  scheduledFor: string
  skipped: number
  next: string | null
}

/** One claimed report's plan, in the shape jsonb_to_recordset reads it. */
interface Planned {
  run_id: string
  id: string
  org: string
  scheduled_for: string
  skipped: number
  next: string | null
}

/**
 * Turns due reports into queued runs. Each batch is one transaction: claim due reports with
 * FOR UPDATE SKIP LOCKED, insert one run per slot (the unique (report, slot) index refuses a
 * second), and advance next_run_at from the planned slot, never from "now" (no drift).
 */
export class Scheduler {
  private readonly database: Database
  private readonly clock: Clock
  private readonly log: Logger
  private readonly batchSize: number
  private readonly maxIdleMs: number
  private readonly lookaheadMs: number
  private readonly metrics: Metrics | undefined
  private unlisten: (() => Promise<void>) | undefined
  private readonly loop: WakeLoop

  constructor(o: SchedulerOptions) {
    this.database = o.database
    this.clock = o.clock
    this.log = o.log.child({ role: 'scheduler' })
    this.batchSize = o.batchSize ?? 500
    this.maxIdleMs = o.maxIdleMs ?? 60_000
    this.lookaheadMs = o.lookaheadMs ?? 0
    this.metrics = o.metrics
    this.loop = new WakeLoop({
      name: 'scheduler',
      log: this.log,
      step: async () => (await this.tick()) === this.batchSize,
      sleepMs: () => this.sleepMs(),
    })
  }

  async start(): Promise<void> {
    this.unlisten = await this.database.listen(REPORTS_CHANNEL, () => this.loop.poke())
    this.loop.start()
  }

  async stop(): Promise<void> {
    await this.loop.stop()
    await this.unlisten?.()
  }

  /** Ask for a pass soon (a report changed). */
  poke(): void {
    this.loop.poke()
  }

  /** Until the earliest next_run_at comes within the lookahead (LISTEN wakes us sooner). */
  private async sleepMs(): Promise<number> {
    const now = this.clock.now()
    const [row] = await this.database.db
      .select({ at: min(reports.nextRunAt) })
      .from(reports)
      .where(eq(reports.enabled, true))
    const at = row?.at ? new Date(row.at).getTime() - this.lookaheadMs : Number.POSITIVE_INFINITY
    return Math.min(at, now + this.maxIdleMs) - now
  }

  /**
   * Claims one batch of reports due within the lookahead and queues their runs, each to start
   * at its slot. Returns how many were claimed.
   */
  async tick(): Promise<number> {
    const nowMs = this.clock.now()
    const now = new Date(nowMs)
    const horizon = new Date(nowMs + this.lookaheadMs)
    const planned = await this.database.db.transaction(async (tx) => {
      const due = await tx
        .select({
          id: reports.id,
          org: reports.org,
          frequency: reports.frequency,
          startUs: reports.startUs,
          timezone: reports.timezone,
          tzOffsetMinutes: reports.tzOffsetMinutes,
          nextRunAt: reports.nextRunAt,
        })
        .from(reports)
        .where(and(eq(reports.enabled, true), lte(reports.nextRunAt, horizon)))
        .orderBy(asc(reports.nextRunAt))
        .limit(this.batchSize)
        .for('update', { skipLocked: true })
      if (due.length === 0) return []
      // Reports due together mostly share a schedule (daily at 09:00): work each one out once.
      const slots = new Map<string, Slots>()
      const plans: Planned[] = due.map((r) => plan(r, nowMs, slots))
      const json = JSON.stringify(plans)
      await insertQueuedRuns(
        tx,
        plans.map((p) => ({
          id: p.run_id,
          org: p.org,
          reportId: p.id,
          trigger: 'schedule' as const,
          parameters: {},
          scheduledFor: p.scheduled_for,
          skippedSlots: p.skipped,
        })),
        nowMs,
      )
      await tx.execute(sql`
        update reports r
        set next_run_at = x.next,
            last_triggered_at = greatest(x.scheduled_for, ${now.toISOString()}::timestamptz)
        from jsonb_to_recordset(${json}::jsonb) as x(id text, next timestamptz, scheduled_for timestamptz)
        where r.id = x.id`)
      return plans
    })
    if (planned.length > 0) {
      this.log.debug({ n: planned.length }, 'queued scheduled runs')
      for (const p of planned) {
        // Queued ahead of its slot is no lag at all.
        this.metrics?.schedulerLag.observe(Math.max(0, nowMs - Date.parse(p.scheduled_for)) / 1000)
      }
      await this.database.notify(RUNS_CHANNEL, '')
    }
    return planned.length
  }
}

function plan(
  r: {
    id: string
    org: string
    frequency: unknown
    startUs: number
    timezone: string
    tzOffsetMinutes: number
    nextRunAt: Date | null
  },
  nowMs: number,
  memo: Map<string, Slots>,
): Planned {
  const plannedMs = (r.nextRunAt as Date).getTime()
  // A slot queued ahead starts at the slot; a late one now.
  const startMs = Math.max(nowMs, plannedMs)
  // Everything the slots depend on; nowMs is the same for the whole batch.
  const key = JSON.stringify([r.frequency, r.startUs, r.timezone, r.tzOffsetMinutes, plannedMs])
  let s = memo.get(key)
  if (!s) {
    const schedule = scheduleOf(r)
    const cu = catchUp(schedule, plannedMs, startMs)
    // align_time off: the next slot counts from when this run starts, §4.7.
    const next = schedule.frequency.align_time
      ? cu.next
      : nextAfterRun(schedule, cu.runSlot, startMs)
    s = {
      scheduledFor: new Date(cu.runSlot).toISOString(),
      skipped: cu.skipped,
      next: next === null ? null : new Date(next).toISOString(),
    }
    memo.set(key, s)
  }
  return {
    run_id: newId(),
    id: r.id,
    org: r.org,
    scheduled_for: s.scheduledFor,
    skipped: s.skipped,
    next: s.next,
  }
}
