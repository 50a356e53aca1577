import { and, eq, inArray } from 'drizzle-orm'
import { audit } from '../audit/audit.ts'
import { requireOn } from '../authz/require.ts'
import type { Ctx, Tx } from '../context.ts'
import type { DashboardDefinition } from '../dashboards/model.ts'
import { mergeVariables } from '../dashboards/render.ts'
import { checkVariables } from '../dashboards/variables.ts'
import { dashboards, folders, reportDashboards, reportRuns, reports } from '../db/schema/index.ts'
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../errors.ts'
import { newId } from '../lib/ids.ts'
import { isForeignKeyViolation, isUniqueViolation } from '../lib/sqlstate.ts'
import { reportFolder } from '../permissions.ts'
import { resolveZone } from '../schedule/index.ts'
import type { ReportInput } from './model.ts'
import { findReport, REPORT_NOT_FOUND, type ReportRow } from './queries.ts'
import { nextRunOnSave, scheduleChanged } from './schedule-of.ts'
import { normaliseFrequency, validateReport } from './validate.ts'

const ALREADY_EXISTS = 'Report already exists'
const FOLDER_NOT_FOUND = 'Report folder not found.'

function folderMissing(folderId: string): ValidationError {
  return new ValidationError(
    [{ name: 'folder', description: `Report folder not found: ${folderId}` }],
    FOLDER_NOT_FOUND,
  )
}

async function requireReportFolder(ctx: Ctx, tx: Tx, folderId: string): Promise<void> {
  const [row] = await tx
    .select({ id: folders.id })
    .from(folders)
    .where(and(eq(folders.org, ctx.org), eq(folders.type, 'reports'), eq(folders.id, folderId)))
  if (!row) throw folderMissing(folderId)
}

/** Every referenced dashboard and tab must exist in this org (400 naming the missing one). */
async function checkDashboards(ctx: Ctx, tx: Tx, input: ReportInput): Promise<void> {
  const ids = input.dashboards.map((d) => d.dashboard)
  const rows = ids.length
    ? await tx
        .select({ id: dashboards.id, definition: dashboards.definition })
        .from(dashboards)
        .where(and(eq(dashboards.org, ctx.org), inArray(dashboards.id, ids)))
    : []
  const byId = new Map(rows.map((r) => [r.id, r.definition as DashboardDefinition]))
  const errors: FieldError[] = []
  input.dashboards.forEach((d, i) => {
    const def = byId.get(d.dashboard)
    if (!def) {
      errors.push({
        name: `dashboards[${i}].dashboard`,
        description: `Dashboard not found: ${d.dashboard}`,
      })
      return
    }
    // The entry's values of typed variables must be values of their type (required is asked
    // of runs, which may pass the value).
    const given = mergeVariables([], d.variables)
    const zone = resolveZone(input.timezone, input.timezoneOffset)
    const declared = def.variables.filter((v) => Object.hasOwn(given, v.name))
    for (const e of checkVariables(declared, given, zone, ctx.clock.now()).errors) {
      errors.push({ ...e, name: `dashboards[${i}].variables.${e.name.slice('variables.'.length)}` })
    }
    const tabIds = new Set(def.tabs.map((t) => t.tabId))
    for (const tab of d.tabs) {
      if (!tabIds.has(tab)) {
        errors.push({
          name: `dashboards[${i}].tabs`,
          description: `Tab "${tab}" not found in dashboard ${d.dashboard}`,
        })
      }
    }
  })
  if (errors.length) throw new ValidationError(errors)
}

function validate(ctx: Ctx, input: ReportInput): void {
  const errors = validateReport(input, ctx.clock.now())
  if (errors.length) throw new ValidationError(errors)
}

function columnsOf(input: ReportInput) {
  return {
    name: input.name,
    title: input.title,
    description: input.description,
    message: input.message,
    enabled: input.enabled,
    frequency: normaliseFrequency(input.frequency),
    startUs: input.start,
    timezone: input.timezone,
    tzOffsetMinutes: input.timezoneOffset,
    dashboards: input.dashboards.map((d) => ({
      ...d,
      variables: d.variables.map((v) => ({ ...v, id: v.id ?? undefined })),
    })),
    destinations: input.destinations.map((d) => ({ email: d.email.trim() })),
    imagePreview: input.imagePreview,
    manualRuns: input.manual_runs,
  }
}

async function linkDashboards(
  ctx: Ctx,
  tx: Tx,
  reportId: string,
  input: ReportInput,
): Promise<void> {
  await tx.delete(reportDashboards).where(eq(reportDashboards.reportId, reportId))
  await tx
    .insert(reportDashboards)
    .values(input.dashboards.map((d) => ({ reportId, org: ctx.org, dashboardId: d.dashboard })))
}

/** Maps constraint violations raised by a write to the errors a user should see. */
function translate(err: unknown, folderId: string): unknown {
  if (isUniqueViolation(err, 'reports_org_folder_name_key'))
    return new ConflictError(ALREADY_EXISTS)
  if (isForeignKeyViolation(err, 'reports_folder_fk')) return folderMissing(folderId)
  if (isForeignKeyViolation(err, 'report_dashboards_dashboard_fk')) {
    return new ValidationError([
      { name: 'dashboards', description: 'A referenced dashboard was deleted' },
    ])
  }
  return err
}

export async function createReport(
  ctx: Ctx,
  folderId: string,
  input: ReportInput,
): Promise<string> {
  requireOn(ctx, reportFolder(folderId), 'create', () => folderMissing(folderId))
  validate(ctx, input)
  const id = newId()
  const now = new Date(ctx.clock.now())
  const cols = columnsOf(input)
  try {
    await ctx.database.db.transaction(async (tx) => {
      await requireReportFolder(ctx, tx, folderId)
      await checkDashboards(ctx, tx, input)
      await tx.insert(reports).values({
        ...cols,
        id,
        org: ctx.org,
        folderId,
        owner: ctx.actor.email,
        lastEditedBy: ctx.actor.email,
        createdAt: now,
        updatedAt: now,
        nextRunAt: nextRunOnSave(cols, now.getTime()),
      })
      await linkDashboards(ctx, tx, id, input)
      await audit(ctx, 'report.create', `report:${id}`, { name: input.name, folderId }, tx)
    })
  } catch (err) {
    throw translate(err, folderId)
  }
  ctx.onReportsChanged?.()
  return id
}

/** Plans the next run after a change: only a changed schedule (or enabling) moves it. */
async function replan(
  ctx: Ctx,
  tx: Tx,
  before: ReportRow,
  after: ReturnType<typeof columnsOf> & { enabled: boolean },
) {
  const now = ctx.clock.now()
  if (before.enabled && after.enabled && !scheduleChanged(before, after) && before.nextRunAt) {
    return { nextRunAt: before.nextRunAt, scheduleVersion: before.scheduleVersion }
  }
  await ctx.discardUpcomingRuns(tx, before.id, now)
  if (!after.enabled) return { nextRunAt: null, scheduleVersion: before.scheduleVersion + 1 }
  const ran =
    after.frequency.type === 'once' &&
    (
      await tx
        .select({ id: reportRuns.id })
        .from(reportRuns)
        .where(
          and(
            eq(reportRuns.reportId, before.id),
            eq(reportRuns.trigger, 'schedule'),
            eq(reportRuns.state, 'succeeded'),
          ),
        )
        .limit(1)
    ).length > 0
  return { nextRunAt: nextRunOnSave(after, now, ran), scheduleVersion: before.scheduleVersion + 1 }
}

export async function updateReport(
  ctx: Ctx,
  id: string,
  input: ReportInput,
  moveTo?: string,
): Promise<void> {
  validate(ctx, input)
  const cols = columnsOf(input)
  let folderId = moveTo ?? ''
  try {
    await ctx.database.db.transaction(async (tx) => {
      const before = await findReport(ctx, id, tx, true)
      requireOn(ctx, reportFolder(before.folderId), 'update', REPORT_NOT_FOUND)
      folderId = moveTo ?? before.folderId
      if (folderId !== before.folderId) {
        requireOn(ctx, reportFolder(folderId), 'create', () => folderMissing(folderId))
        await requireReportFolder(ctx, tx, folderId)
      }
      await checkDashboards(ctx, tx, input)
      await tx
        .update(reports)
        .set({
          ...cols,
          folderId,
          lastEditedBy: ctx.actor.email,
          updatedAt: new Date(ctx.clock.now()),
          ...(await replan(ctx, tx, before, cols)),
        })
        .where(eq(reports.id, id))
      await linkDashboards(ctx, tx, id, input)
      await audit(ctx, 'report.update', `report:${id}`, { name: input.name, folderId }, tx)
    })
  } catch (err) {
    throw translate(err, folderId)
  }
  ctx.onReportsChanged?.()
}

export async function setReportEnabled(ctx: Ctx, id: string, enabled: boolean): Promise<boolean> {
  await ctx.database.db.transaction(async (tx) => {
    const before = await findReport(ctx, id, tx, true)
    requireOn(ctx, reportFolder(before.folderId), 'update', REPORT_NOT_FOUND)
    if (before.enabled === enabled) return
    const plan = await replan(ctx, tx, before, { ...columnsOfRow(before), enabled })
    await tx
      .update(reports)
      .set({ enabled, updatedAt: new Date(ctx.clock.now()), ...plan })
      .where(eq(reports.id, id))
    await audit(ctx, enabled ? 'report.enable' : 'report.disable', `report:${id}`, {}, tx)
  })
  ctx.onReportsChanged?.()
  return enabled
}

function columnsOfRow(row: ReportRow) {
  return {
    name: row.name,
    title: row.title,
    description: row.description,
    message: row.message,
    enabled: row.enabled,
    frequency: row.frequency as ReturnType<typeof columnsOf>['frequency'],
    startUs: row.startUs,
    timezone: row.timezone,
    tzOffsetMinutes: row.tzOffsetMinutes,
    dashboards: row.dashboards as ReturnType<typeof columnsOf>['dashboards'],
    destinations: row.destinations as { email: string }[],
    imagePreview: row.imagePreview,
    manualRuns: row.manualRuns,
  }
}

export async function deleteReport(ctx: Ctx, id: string): Promise<void> {
  await ctx.database.db.transaction(async (tx) => {
    const row = await findReport(ctx, id, tx, true)
    requireOn(ctx, reportFolder(row.folderId), 'delete', REPORT_NOT_FOUND)
    await tx.delete(reports).where(eq(reports.id, id))
    await audit(ctx, 'report.delete', `report:${id}`, { name: row.name }, tx)
  })
  ctx.onReportsChanged?.()
}

export interface BulkResult {
  successful: string[]
  /** Ids only, as OpenObserve's clients expect; why each failed is in `reasons`. */
  unsuccessful: string[]
  reasons: Record<string, string>
  err: string | null
}

/**
 * Deletes what the actor may delete, each report checked against its own folder; unknown ids
 * count as successful (idempotent), refused ones are listed with the reason.
 */
export async function bulkDeleteReports(ctx: Ctx, ids: string[]): Promise<BulkResult> {
  const unique = [...new Set(ids)]
  const successful: string[] = []
  const unsuccessful: { id: string; reason: string }[] = []
  await ctx.database.db.transaction(async (tx) => {
    const rows = unique.length
      ? await tx
          .select({ id: reports.id, folderId: reports.folderId, name: reports.name })
          .from(reports)
          .where(and(eq(reports.org, ctx.org), inArray(reports.id, unique)))
          .for('update')
      : []
    const byId = new Map(rows.map((r) => [r.id, r]))
    const deletable: string[] = []
    for (const id of unique) {
      const row = byId.get(id)
      if (!row || !ctx.guard.can(reportFolder(row.folderId), 'list')) {
        successful.push(id)
      } else if (!ctx.guard.can(reportFolder(row.folderId), 'delete')) {
        unsuccessful.push({ id, reason: 'Forbidden' })
      } else {
        deletable.push(id)
        successful.push(id)
      }
    }
    if (deletable.length) {
      await tx.delete(reports).where(inArray(reports.id, deletable))
      await audit(ctx, 'report.bulk_delete', 'reports', { ids: deletable }, tx)
    }
    if (unsuccessful.length) {
      await audit(
        ctx,
        'authz.denied',
        'reports',
        { action: 'delete', ids: unsuccessful.map((u) => u.id) },
        tx,
      )
    }
  })
  if (successful.length) ctx.onReportsChanged?.()
  return {
    successful,
    unsuccessful: unsuccessful.map((u) => u.id),
    reasons: Object.fromEntries(unsuccessful.map((u) => [u.id, u.reason])),
    err: unsuccessful.length
      ? `${unsuccessful.length} report(s) not deleted: you may not delete in their folder`
      : null,
  }
}

/** Moves all the reports or none: one transaction, names checked in the destination. */
export async function moveReports(ctx: Ctx, ids: string[], dstFolderId: string): Promise<void> {
  const unique = [...new Set(ids)]
  try {
    await ctx.database.db.transaction(async (tx) => {
      requireOn(ctx, reportFolder(dstFolderId), 'create', () => folderMissing(dstFolderId))
      await requireReportFolder(ctx, tx, dstFolderId)
      const rows = unique.length
        ? await tx
            .select()
            .from(reports)
            .where(and(eq(reports.org, ctx.org), inArray(reports.id, unique)))
            .for('update')
        : []
      const byId = new Map(rows.map((r) => [r.id, r]))
      for (const id of unique) {
        const row = byId.get(id)
        if (!row || !ctx.guard.can(reportFolder(row.folderId), 'list')) {
          throw new NotFoundError(`${REPORT_NOT_FOUND}: ${id}`)
        }
        requireOn(ctx, reportFolder(row.folderId), 'update', REPORT_NOT_FOUND)
      }
      const moving = rows.filter((r) => r.folderId !== dstFolderId)
      if (!moving.length) return
      await tx
        .update(reports)
        .set({ folderId: dstFolderId, updatedAt: new Date(ctx.clock.now()) })
        .where(
          inArray(
            reports.id,
            moving.map((r) => r.id),
          ),
        )
      await audit(ctx, 'report.move', 'reports', { ids: moving.map((r) => r.id), dstFolderId }, tx)
    })
  } catch (err) {
    const e = translate(err, dstFolderId)
    if (e instanceof ConflictError) {
      throw new ConflictError(`${ALREADY_EXISTS} in the destination folder`)
    }
    throw e
  }
}

/** v1 bulk delete: names in one folder; unknown names count as deleted, as ids do. */
export async function bulkDeleteReportsByName(
  ctx: Ctx,
  folderId: string,
  names: string[],
): Promise<BulkResult> {
  const rows = names.length
    ? await ctx.database.db
        .select({ id: reports.id, name: reports.name })
        .from(reports)
        .where(
          and(
            eq(reports.org, ctx.org),
            eq(reports.folderId, folderId),
            inArray(reports.name, names),
          ),
        )
    : []
  const nameOf = new Map(rows.map((r) => [r.id, r.name]))
  const result = await bulkDeleteReports(
    ctx,
    rows.map((r) => r.id),
  )
  const failed = result.unsuccessful.map((id) => nameOf.get(id) ?? id)
  return {
    successful: names.filter((n) => !failed.includes(n)),
    unsuccessful: failed,
    reasons: Object.fromEntries(
      Object.entries(result.reasons).map(([id, why]) => [nameOf.get(id) ?? id, why]),
    ),
    err: result.err,
  }
}
