import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm'
import { requireOn } from '../authz/require.ts'
import type { Ctx, Tx } from '../context.ts'
import { dashboards, folders, reportDashboards, reportRuns, reports } from '../db/schema/index.ts'
import { NotFoundError } from '../errors.ts'
import { iso } from '../lib/time.ts'
import { reportFolder } from '../permissions.ts'
import type { ReportDashboard } from './model.ts'
import { type LastRun, presentListItem, presentReport } from './present.ts'
import { reportWithDashboardFolders } from './statements.ts'

export type ReportRow = typeof reports.$inferSelect
export const REPORT_NOT_FOUND = 'Report not found'

/** The report, or 404 when absent, in another org, or in a folder the actor may not list. */
export async function findReport(ctx: Ctx, id: string, tx?: Tx, lock = false): Promise<ReportRow> {
  const q = (tx ?? ctx.database.db)
    .select()
    .from(reports)
    .where(and(eq(reports.org, ctx.org), eq(reports.id, id)))
  const [row] = lock ? await q.for('update') : await q
  return visible(ctx, row)
}

/** What the actor may not even list does not exist for them. */
function visible(ctx: Ctx, row: ReportRow | undefined): ReportRow {
  if (!row || !ctx.guard.can(reportFolder(row.folderId), 'list')) {
    throw new NotFoundError(REPORT_NOT_FOUND)
  }
  return row
}

export async function findReportIdByName(
  ctx: Ctx,
  folderId: string,
  name: string,
): Promise<string> {
  const [row] = await ctx.database.db
    .select({ id: reports.id })
    .from(reports)
    .where(and(eq(reports.org, ctx.org), eq(reports.folderId, folderId), eq(reports.name, name)))
  if (!row) {
    throw new NotFoundError(REPORT_NOT_FOUND)
  }
  return row.id
}

/** Current folder of every dashboard the reports reference. */
async function dashboardFolders(ctx: Ctx, rows: ReportRow[]): Promise<Map<string, string>> {
  const ids = [
    ...new Set(rows.flatMap((r) => (r.dashboards as ReportDashboard[]).map((d) => d.dashboard))),
  ]
  if (ids.length === 0) return new Map()
  const found = await ctx.database.db
    .select({ id: dashboards.id, folderId: dashboards.folderId })
    .from(dashboards)
    .where(and(eq(dashboards.org, ctx.org), inArray(dashboards.id, ids)))
  return new Map(found.map((d) => [d.id, d.folderId]))
}

/** GET one report: the row and its dashboards' folders come back from one prepared query. */
export async function getReport(ctx: Ctx, id: string) {
  const [found] = await reportWithDashboardFolders(ctx.database).execute({ org: ctx.org, id })
  const row = visible(ctx, found)
  requireOn(ctx, reportFolder(row.folderId), 'get', REPORT_NOT_FOUND)
  return presentReport(row, new Map(Object.entries(found!.dashboardFolders)))
}

export interface ListFilter {
  folder?: string
  dashboardId?: string
  cache?: boolean
  nameSubstring?: string
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`)
}

async function lastRuns(ctx: Ctx, ids: string[]): Promise<Map<string, LastRun>> {
  if (ids.length === 0) return new Map()
  const rows = await ctx.database.db
    .selectDistinctOn([reportRuns.reportId])
    .from(reportRuns)
    .where(inArray(reportRuns.reportId, ids))
    .orderBy(reportRuns.reportId, desc(reportRuns.createdAt))
  return new Map(
    rows.map((r) => [
      r.reportId,
      {
        run_id: r.id,
        state: r.state,
        trigger: r.trigger,
        scheduled_for: iso(r.scheduledFor),
        created_at: r.createdAt.toISOString(),
        finished_at: iso(r.finishedAt),
        error: r.error,
      },
    ]),
  )
}

export async function listReports(ctx: Ctx, filter: ListFilter) {
  const where: (SQL | undefined)[] = [eq(reports.org, ctx.org)]
  if (filter.folder) where.push(eq(reports.folderId, filter.folder))
  if (filter.cache === true) where.push(sql`jsonb_array_length(${reports.destinations}) = 0`)
  if (filter.cache === false) where.push(sql`jsonb_array_length(${reports.destinations}) > 0`)
  if (filter.nameSubstring) {
    where.push(sql`${reports.name} ilike ${`%${escapeLike(filter.nameSubstring)}%`}`)
  }
  if (filter.dashboardId) {
    where.push(
      inArray(
        reports.id,
        ctx.database.db
          .select({ id: reportDashboards.reportId })
          .from(reportDashboards)
          .where(
            and(
              eq(reportDashboards.org, ctx.org),
              eq(reportDashboards.dashboardId, filter.dashboardId),
            ),
          ),
      ),
    )
  }
  const rows = await ctx.database.db
    .select({ report: reports, folderName: folders.name })
    .from(reports)
    .innerJoin(
      folders,
      and(
        eq(folders.org, reports.org),
        eq(folders.type, reports.folderType),
        eq(folders.id, reports.folderId),
      ),
    )
    .where(and(...where))
    .orderBy(asc(reports.name), asc(folders.name))
  const visible = rows.filter((r) => ctx.guard.can(reportFolder(r.report.folderId), 'list'))
  const folderOf = await dashboardFolders(
    ctx,
    visible.map((r) => r.report),
  )
  const runs = await lastRuns(
    ctx,
    visible.map((r) => r.report.id),
  )
  return visible.map((r) =>
    presentListItem(r.report, r.folderName, folderOf, runs.get(r.report.id) ?? null),
  )
}
