import { and, eq, gt } from 'drizzle-orm'
import type { Executor } from '../db/client.ts'
import { reportRuns } from '../db/schema/index.ts'

/**
 * Drops a report's runs queued ahead of their slot (the scheduler's lookahead), for when its
 * schedule changes or it is disabled: the slot they were for is no longer the report's. A run
 * whose slot has come is left alone, as before lookahead.
 */
export async function discardUpcomingRuns(tx: Executor, reportId: string, nowMs: number) {
  await tx
    .delete(reportRuns)
    .where(
      and(
        eq(reportRuns.reportId, reportId),
        eq(reportRuns.trigger, 'schedule'),
        eq(reportRuns.state, 'queued'),
        gt(reportRuns.scheduledFor, new Date(nowMs)),
      ),
    )
}
