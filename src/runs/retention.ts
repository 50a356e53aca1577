import { sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Clock } from '../clock.ts'
import type { Database } from '../db/client.ts'

const DAY_MS = 86_400_000
const BATCH = 500

/**
 * Deletes run outputs older than `retentionDays`, in small batches so no statement holds locks
 * for long. A cached report (no destinations) keeps its latest successful output however old:
 * `GET …/reports/{id}/output` promises it. Returns how many files were removed.
 */
export async function purgeOutputs(
  database: Database,
  nowMs: number,
  retentionDays: number,
): Promise<number> {
  const cutoff = new Date(nowMs - retentionDays * DAY_MS).toISOString()
  let total = 0
  for (;;) {
    const rows = await database.rows<{ run_id: string }>(sql`
      WITH keep AS (
        SELECT DISTINCT ON (r.report_id) r.id
        FROM report_runs r
        JOIN reports p ON p.id = r.report_id
        WHERE r.state = 'succeeded'
          AND p.destinations = '[]'::jsonb
          AND EXISTS (SELECT 1 FROM run_outputs o WHERE o.run_id = r.id)
        ORDER BY r.report_id, r.finished_at DESC NULLS LAST, r.id DESC
      ),
      doomed AS (
        SELECT run_id, idx FROM run_outputs
        WHERE created_at < ${cutoff}::timestamptz
          AND run_id NOT IN (SELECT id FROM keep)
        LIMIT ${BATCH}
      ),
      gone AS (
        DELETE FROM run_outputs o
        USING doomed d
        WHERE o.run_id = d.run_id AND o.idx = d.idx
        RETURNING o.run_id
      ),
      -- The run remembers its files existed: the job view answers DELETED (and 410), not
      -- "no files", for a run whose outputs retention removed.
      marked AS (
        UPDATE report_runs SET outputs_purged_at = ${new Date(nowMs).toISOString()}::timestamptz
        WHERE id IN (SELECT run_id FROM gone) AND outputs_purged_at IS NULL
      )
      SELECT run_id FROM gone`)
    total += rows.length
    if (rows.length < BATCH) return total
  }
}

export interface RetentionJobOptions {
  database: Database
  clock: Clock
  log: Logger
  retentionDays: number
  /** How often to purge; daily by default. */
  everyMs?: number
}

/**
 * The daily purge, in every worker process: deleting is idempotent, so processes sharing a
 * database need no coordination for it.
 */
export class RetentionJob {
  private readonly o: RetentionJobOptions
  private timer: NodeJS.Timeout | undefined
  private running: Promise<number> | undefined

  constructor(o: RetentionJobOptions) {
    this.o = o
  }

  start(): void {
    // The first purge waits a minute, so a restart loop cannot turn into a purge loop.
    this.schedule(Math.min(60_000, this.o.everyMs ?? DAY_MS))
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    await this.running?.catch(() => {})
  }

  /** One purge now; returns how many outputs were removed. */
  async runOnce(): Promise<number> {
    this.running = purgeOutputs(this.o.database, this.o.clock.now(), this.o.retentionDays)
    const removed = await this.running
    if (removed > 0) {
      this.o.log.info({ removed, retentionDays: this.o.retentionDays }, 'purged old run outputs')
    }
    return removed
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.runOnce()
        .catch((err) => this.o.log.error({ err }, 'purging run outputs failed'))
        .finally(() => {
          if (this.timer) this.schedule(this.o.everyMs ?? DAY_MS)
        })
    }, delayMs)
    this.timer.unref()
  }
}
