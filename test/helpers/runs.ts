import { asc, eq } from 'drizzle-orm'
import { pino } from 'pino'
import type { Clock } from '../../src/clock.ts'
import type { Database } from '../../src/db/client.ts'
import { reportRuns, reports } from '../../src/db/schema/index.ts'
import type { RunExecutor } from '../../src/runs/executor.ts'
import { Worker } from '../../src/runs/worker.ts'
import { Scheduler } from '../../src/scheduler/scheduler.ts'

export const silent = pino({ level: 'silent' })

export function scheduler(database: Database, clock: Clock) {
  return new Scheduler({ database, clock, log: silent })
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
