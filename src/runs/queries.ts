import { and, asc, desc, eq, gt, inArray, lt, type SQL, sql } from 'drizzle-orm'
import { z } from 'zod'
import { audit } from '../audit/audit.ts'
import { requireOn } from '../authz/require.ts'
import type { Ctx } from '../context.ts'
import { reportRuns, runOutputs } from '../db/schema/index.ts'
import { ConflictError, NotFoundError, ValidationError } from '../errors.ts'
import { reportFolder } from '../permissions.ts'
import { findReport, REPORT_NOT_FOUND, type ReportRow } from '../reports/queries.ts'
import { RUN_DONE_CHANNEL, type RunRow } from './model.ts'
import {
  type OutputInfo,
  presentModeFields,
  presentRun,
  presentRunDetail,
  type RunStanding,
} from './present.ts'
import { deliveriesOf } from './store/deliveries.ts'
import { cancelQueuedRun } from './store/runs.ts'

const RUN_NOT_FOUND = 'Run not found'
const STATES = [
  'queued',
  'running',
  'succeeded',
  'partially_failed',
  'failed',
  'cancelled',
] as const

const filterRe = /^(created_at|updated_at|scheduled_for)\.(gt|lt)\.(.+)$/

export const runListQuery = z.object({
  state: z.enum(STATES).optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
  order_by: z.enum(['created_at', 'updated_at', 'scheduled_for']).default('created_at'),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  cursor: z.string().max(200).optional(),
})
export type RunListQuery = z.infer<typeof runListQuery>

/** `created_at.gt.2026-01-01T00:00:00Z` → a condition; 400 naming the filter otherwise. */
function parseFilter(f: string): SQL {
  const m = filterRe.exec(f)
  const at = m ? Date.parse(m[3]!) : Number.NaN
  if (!m || Number.isNaN(at)) {
    throw new ValidationError([
      {
        name: 'filter',
        description: `Invalid filter "${f}": use <created_at|updated_at|scheduled_for>.<gt|lt>.<ISO 8601>`,
      },
    ])
  }
  const col = {
    created_at: reportRuns.createdAt,
    updated_at: reportRuns.updatedAt,
    scheduled_for: reportRuns.scheduledFor,
  }[m[1] as 'created_at']
  return m[2] === 'gt' ? gt(col, new Date(at)) : lt(col, new Date(at))
}

function encodeCursor(key: Date, id: string): string {
  return Buffer.from(JSON.stringify([key.toISOString(), id])).toString('base64url')
}

function decodeCursor(cursor: string): { key: Date; id: string } {
  try {
    const [k, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
    const key = new Date(k)
    if (typeof id !== 'string' || Number.isNaN(key.getTime())) throw new Error()
    return { key, id }
  } catch {
    throw new ValidationError([{ name: 'cursor', description: 'Invalid cursor' }])
  }
}

async function visibleReport(ctx: Ctx, reportId: string) {
  const report = await findReport(ctx, reportId)
  requireOn(ctx, reportFolder(report.folderId), 'get', REPORT_NOT_FOUND)
  return report
}

export async function listRuns(ctx: Ctx, reportId: string, q: RunListQuery, filters: string[]) {
  await visibleReport(ctx, reportId)
  // scheduled_for is empty for manual runs; they sort by when they were created.
  const key =
    q.order_by === 'created_at'
      ? reportRuns.createdAt
      : q.order_by === 'updated_at'
        ? reportRuns.updatedAt
        : sql<Date>`coalesce(${reportRuns.scheduledFor}, ${reportRuns.createdAt})`
  const where: (SQL | undefined)[] = [
    eq(reportRuns.reportId, reportId),
    eq(reportRuns.org, ctx.org),
  ]
  if (q.state) where.push(eq(reportRuns.state, q.state))
  for (const f of filters) where.push(parseFilter(f))
  if (q.cursor) {
    const c = decodeCursor(q.cursor)
    const cmp = q.order === 'desc' ? sql`<` : sql`>`
    where.push(
      sql`(${key}, ${reportRuns.id}) ${cmp} (${c.key.toISOString()}::timestamptz, ${c.id})`,
    )
  }
  const dir = q.order === 'desc' ? desc : asc
  const rows = await ctx.database.db
    .select()
    .from(reportRuns)
    .where(and(...where))
    .orderBy(dir(key), dir(reportRuns.id))
    .limit(q.limit + 1)
  const page = rows.slice(0, q.limit)
  const last = page[page.length - 1]
  const next =
    rows.length > q.limit && last
      ? encodeCursor(
          q.order_by === 'created_at'
            ? last.createdAt
            : q.order_by === 'updated_at'
              ? last.updatedAt
              : (last.scheduledFor ?? last.createdAt),
          last.id,
        )
      : null
  const standing = await runStanding(ctx, reportId)
  const kinds = await outputKinds(
    ctx,
    page.map((r) => r.id),
  )
  const list = page.map((r) => ({
    ...presentRun(r),
    ...presentModeFields(r, standing, kinds.get(r.id) ?? []),
  }))
  return { list, next_cursor: next }
}

/** The report's latest run, latest success, and whether anything failed since that success. */
export async function runStanding(ctx: Ctx, reportId: string): Promise<RunStanding> {
  const [row] = await ctx.database.rows<{
    latest: string | null
    latest_ok: string | null
    failing: boolean
  }>(sql`
    WITH ok AS (
      SELECT id, created_at FROM report_runs
      WHERE report_id = ${reportId} AND state = 'succeeded'
      ORDER BY created_at DESC, id DESC LIMIT 1
    )
    SELECT
      (SELECT id FROM report_runs WHERE report_id = ${reportId}
        ORDER BY created_at DESC, id DESC LIMIT 1) AS latest,
      (SELECT id FROM ok) AS latest_ok,
      EXISTS (
        SELECT 1 FROM report_runs
        WHERE report_id = ${reportId} AND state IN ('failed', 'partially_failed')
          AND created_at > coalesce((SELECT created_at FROM ok), '-infinity'::timestamptz)
      ) AS failing`)
  return {
    latestId: row?.latest ?? null,
    latestSucceededId: row?.latest_ok ?? null,
    failingSinceSuccess: row?.failing === true,
  }
}

/** Index and type of every file of these runs (for their links), without the bytes. */
async function outputKinds(
  ctx: Ctx,
  runIds: string[],
): Promise<Map<string, { index: number; media_type: string }[]>> {
  const byRun = new Map<string, { index: number; media_type: string }[]>()
  if (runIds.length === 0) return byRun
  const rows = await ctx.database.db
    .select({ runId: runOutputs.runId, index: runOutputs.index, media_type: runOutputs.mediaType })
    .from(runOutputs)
    .where(inArray(runOutputs.runId, runIds))
    .orderBy(asc(runOutputs.runId), asc(runOutputs.index))
  for (const r of rows) {
    const list = byRun.get(r.runId) ?? []
    list.push({ index: r.index, media_type: r.media_type })
    byRun.set(r.runId, list)
  }
  return byRun
}

/**
 * A run just created (create and clone), as Mode presents it: as it was queued, so without
 * files even if a fast worker has made some since.
 */
export async function presentNewRun(ctx: Ctx, run: RunRow) {
  const standing = await runStanding(ctx, run.reportId)
  return { ...presentRun(run), ...presentModeFields(run, standing, []) }
}

export async function findRun(ctx: Ctx, reportId: string, runId: string): Promise<RunRow> {
  await visibleReport(ctx, reportId)
  const [run] = await ctx.database.db
    .select()
    .from(reportRuns)
    .where(
      and(eq(reportRuns.id, runId), eq(reportRuns.reportId, reportId), eq(reportRuns.org, ctx.org)),
    )
  if (!run) throw new NotFoundError(RUN_NOT_FOUND)
  return run
}

export async function getRunDetail(ctx: Ctx, reportId: string, runId: string, baseHref: string) {
  const run = await findRun(ctx, reportId, runId)
  return runDetail(ctx, run, baseHref)
}

/** The run's files (without their bytes), in order. */
export async function outputsOf(ctx: Ctx, runId: string): Promise<OutputInfo[]> {
  return ctx.database.db
    .select({
      index: runOutputs.index,
      media_type: runOutputs.mediaType,
      filename: runOutputs.filename,
      size: runOutputs.size,
      sha256: runOutputs.sha256,
    })
    .from(runOutputs)
    .where(eq(runOutputs.runId, runId))
    .orderBy(asc(runOutputs.index))
}

/**
 * A run by its id alone (the job and document views name no report), with its report; 404 for
 * a run in another org or of a report the actor may not `get`.
 */
export async function findOrgRun(
  ctx: Ctx,
  runId: string,
  notFound = RUN_NOT_FOUND,
): Promise<{ run: RunRow; report: ReportRow }> {
  const [run] = await ctx.database.db
    .select()
    .from(reportRuns)
    .where(and(eq(reportRuns.id, runId), eq(reportRuns.org, ctx.org)))
  if (!run) throw new NotFoundError(notFound)
  const report = await findReport(ctx, run.reportId).catch((err) => {
    throw err instanceof NotFoundError ? new NotFoundError(notFound) : err
  })
  requireOn(ctx, reportFolder(report.folderId), 'get', notFound)
  return { run, report }
}

export async function runDetail(ctx: Ctx, run: RunRow, baseHref: string) {
  const outs = await outputsOf(ctx, run.id)
  const standing = await runStanding(ctx, run.reportId)
  const dels = await deliveriesOf(ctx.database, run.id)
  const detail = presentRunDetail(
    run,
    outs,
    dels.map((d) => ({
      recipient: d.recipient,
      state: d.state,
      attempts: d.attempts,
      message_id: d.messageId,
      error: d.lastError,
      sent_at: d.sentAt?.toISOString() ?? null,
      possible_duplicate: d.possibleDuplicate,
    })),
    (i) => `${baseHref}/outputs/${i}`,
  )
  return { ...detail, ...presentModeFields(run, standing, outs) }
}

/** Cancels a run that has not started; a started or finished run is a conflict. */
export async function cancelRun(ctx: Ctx, reportId: string, runId: string): Promise<RunRow> {
  const report = await findReport(ctx, reportId)
  requireOn(ctx, reportFolder(report.folderId), 'trigger', REPORT_NOT_FOUND)
  const now = new Date(ctx.clock.now())
  const rows = await ctx.database.db.transaction(async (tx) => {
    const row = await cancelQueuedRun(tx, reportId, runId, now.getTime())
    const updated = row ? [row] : []
    if (updated.length) await audit(ctx, 'run.cancel', `run:${runId}`, { reportId }, tx)
    return updated
  })
  if (rows[0]) {
    await ctx.database.notify(RUN_DONE_CHANNEL, runId)
    return rows[0]
  }
  const run = await findRun(ctx, reportId, runId)
  throw new ConflictError(`Only a queued run can be cancelled; this one is ${run.state}`)
}
