import { asc, eq, sql } from 'drizzle-orm'
import { pino } from 'pino'
import type { Clock } from '../../src/clock.ts'
import type { Database } from '../../src/db/client.ts'
import { reportRuns, reports } from '../../src/db/schema/index.ts'
import { ensureOrg } from '../../src/orgs/orgs.ts'
import type { RunExecutor } from '../../src/runs/executor.ts'
import { Worker } from '../../src/runs/worker.ts'
import { Scheduler } from '../../src/scheduler/scheduler.ts'

export const silent = pino({ level: 'silent' })

/**
 * For tests of the run machinery without rendering or email: cached reports (no destinations)
 * succeed with their parameters recorded; anything that must be sent fails honestly.
 */
export const recordOnlyExecutor: RunExecutor = {
  async execute({ report }) {
    const destinations = report.destinations as unknown[]
    if (destinations.length === 0) return { state: 'succeeded' }
    return { state: 'failed', error: 'Email delivery is not configured on this server' }
  },
}

export function scheduler(database: Database, clock: Clock, extra = {}) {
  return new Scheduler({ database, clock, log: silent, ...extra })
}

export function worker(database: Database, clock: Clock, executor: RunExecutor, extra = {}) {
  return new Worker({ database, clock, log: silent, executor, ...extra })
}

export async function runsOf(database: Database, reportId: string) {
  return database.db
    .select()
    .from(reportRuns)
    .where(eq(reportRuns.reportId, reportId))
    .orderBy(asc(reportRuns.createdAt), asc(reportRuns.id))
}

export async function reportRow(database: Database, id: string) {
  const [row] = await database.db.select().from(reports).where(eq(reports.id, id))
  return row!
}

/** An executor whose runs finish only when the test says so. */
export function gate(): RunExecutor & { release(): void; started: Promise<void> } {
  let release!: () => void
  let started!: () => void
  const released = new Promise<void>((r) => {
    release = r
  })
  const startedP = new Promise<void>((r) => {
    started = r
  })
  return {
    release,
    started: startedP,
    async execute() {
      started()
      await released
      return { state: 'succeeded' }
    },
  }
}

/**
 * `n` enabled hourly reports in `org` (created if needed), written in one statement, whose
 * first slots are spread evenly over `spreadMs` from `baseMs` and are also their `start`.
 */
export async function insertDueReports(
  database: Database,
  org: string,
  n: number,
  baseMs: number,
  spreadMs: number,
): Promise<void> {
  await ensureOrg(database, org)
  await database.db.execute(sql`
    insert into reports (id, org, folder_id, name, enabled, frequency, start_us, dashboards,
                         destinations, created_at, updated_at, next_run_at)
    select ${org} || lpad(g::text, 27 - length(${org}), '0'), ${org}, 'default', 'r' || g, true,
           '{"type":"hours","interval":1,"cron":"","align_time":true}'::jsonb,
           (${baseMs}::bigint + (g % ${spreadMs}::int)) * 1000, '[]'::jsonb, '[]'::jsonb,
           now(), now(), to_timestamp((${baseMs}::bigint + (g % ${spreadMs}::int)) / 1000.0)
    from generate_series(1, ${n}::int) g`)
}
