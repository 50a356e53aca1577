import { and, eq } from 'drizzle-orm'
import { audit } from '../audit/audit.ts'
import { requireOn } from '../authz/require.ts'
import type { Ctx } from '../context.ts'
import { reportRuns } from '../db/schema/index.ts'
import { ConflictError, NotFoundError } from '../errors.ts'
import { reportFolder } from '../permissions.ts'
import { findReport, REPORT_NOT_FOUND } from '../reports/queries.ts'
import { RUNS_CHANNEL, type RunRow } from './model.ts'
import { resetFailed } from './store/deliveries.ts'
import { requeueForRedelivery } from './store/runs.ts'

/**
 * Re-delivers a finished run to the recipients that failed, and only to them: their ledger rows
 * go back to `pending` and the run is queued again (same attempt). Rows already `sent` are
 * untouched, so nobody gets the report twice.
 */
export async function retryFailedDeliveries(
  ctx: Ctx,
  reportId: string,
  runId: string,
): Promise<{ run: RunRow; recipients: string[] }> {
  const report = await findReport(ctx, reportId)
  requireOn(ctx, reportFolder(report.folderId), 'trigger', REPORT_NOT_FOUND)
  const now = new Date(ctx.clock.now())
  const result = await ctx.database.db.transaction(async (tx) => {
    const [run] = await tx
      .select()
      .from(reportRuns)
      .where(
        and(
          eq(reportRuns.id, runId),
          eq(reportRuns.reportId, reportId),
          eq(reportRuns.org, ctx.org),
        ),
      )
      .for('update')
    if (!run) throw new NotFoundError('Run not found')
    if (run.state !== 'failed' && run.state !== 'partially_failed') {
      throw new ConflictError(
        `Only a failed or partially failed run can be retried; this one is ${run.state}`,
      )
    }
    const recipients = await resetFailed(tx, runId)
    if (recipients.length === 0) {
      throw new ConflictError('No recipient of this run failed: there is nothing to re-send')
    }
    const queued = await requeueForRedelivery(tx, runId, now.getTime())
    await audit(ctx, 'run.retry', `run:${runId}`, { reportId, recipients }, tx)
    return { run: queued, recipients }
  })
  await ctx.database.notify(RUNS_CHANNEL, runId)
  return result
}
