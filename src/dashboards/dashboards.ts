import { and, asc, eq, inArray } from 'drizzle-orm'
import { audit } from '../audit/audit.ts'
import { requireOn } from '../authz/require.ts'
import type { Ctx, Tx } from '../context.ts'
import { dashboards, folders, reportDashboards, reports } from '../db/schema/index.ts'
import { BadRequestError, ConflictError, NotFoundError } from '../errors.ts'
import { newId } from '../lib/ids.ts'
import { isForeignKeyViolation } from '../lib/sqlstate.ts'
import { rfc3339 } from '../lib/time.ts'
import { dashboardFolder } from '../permissions.ts'
import type { Dashboard, DashboardDefinition, DashboardInput } from './model.ts'

type Row = typeof dashboards.$inferSelect

const NOT_FOUND = 'Dashboard not found'
const folderMissing = (folderId: string) =>
  new BadRequestError(`Dashboard folder not found: ${folderId}`)

export function shapeDashboard(row: Row): Dashboard {
  const def = row.definition as DashboardDefinition
  return {
    dashboardId: row.id,
    folderId: row.folderId,
    title: row.title,
    description: row.description,
    tabs: def.tabs,
    variables: def.variables,
    owner: row.owner,
    createdAt: rfc3339(row.createdAt),
    updatedAt: rfc3339(row.updatedAt),
  }
}

/**
 * The actor may put dashboards into the folder, and it exists. A folder the actor may not list
 * gets the same answer as an absent one.
 */
async function requireFolder(ctx: Ctx, folderId: string, tx?: Tx): Promise<void> {
  requireOn(ctx, dashboardFolder(folderId), 'create', () => folderMissing(folderId))
  const [found] = await (tx ?? ctx.database.db)
    .select({ id: folders.id })
    .from(folders)
    .where(and(eq(folders.org, ctx.org), eq(folders.type, 'dashboards'), eq(folders.id, folderId)))
  if (!found) throw folderMissing(folderId)
}

export async function createDashboard(
  ctx: Ctx,
  folderId: string,
  input: DashboardInput,
): Promise<string> {
  await requireFolder(ctx, folderId)
  const id = newId()
  const now = new Date(ctx.clock.now())
  try {
    await ctx.database.db.transaction(async (tx) => {
      await tx.insert(dashboards).values({
        org: ctx.org,
        id,
        folderId,
        title: input.title,
        description: input.description,
        definition: { tabs: input.tabs, variables: input.variables },
        owner: ctx.actor.email,
        createdAt: now,
        updatedAt: now,
      })
      await audit(ctx, 'dashboard.create', `dashboard:${id}`, { title: input.title, folderId }, tx)
    })
  } catch (err) {
    if (isForeignKeyViolation(err)) throw folderMissing(folderId)
    throw err
  }
  return id
}

export async function listDashboards(ctx: Ctx, folderId?: string): Promise<Dashboard[]> {
  const rows = await ctx.database.db
    .select()
    .from(dashboards)
    .where(
      and(eq(dashboards.org, ctx.org), folderId ? eq(dashboards.folderId, folderId) : undefined),
    )
    .orderBy(asc(dashboards.title), asc(dashboards.id))
  return rows.filter((r) => ctx.guard.can(dashboardFolder(r.folderId), 'list')).map(shapeDashboard)
}

/** The dashboard, or 404 when absent, in another org, or in a folder the actor may not list. */
export async function getDashboardRow(ctx: Ctx, id: string, tx?: Tx, lock = false): Promise<Row> {
  const q = (tx ?? ctx.database.db)
    .select()
    .from(dashboards)
    .where(and(eq(dashboards.org, ctx.org), eq(dashboards.id, id)))
  const [row] = lock ? await q.for('update') : await q
  if (!row || !ctx.guard.can(dashboardFolder(row.folderId), 'list')) {
    throw new NotFoundError(NOT_FOUND)
  }
  return row
}

export async function getDashboard(ctx: Ctx, id: string): Promise<Dashboard> {
  const row = await getDashboardRow(ctx, id)
  requireOn(ctx, dashboardFolder(row.folderId), 'get', NOT_FOUND)
  return shapeDashboard(row)
}

/** Dashboards of the org by id, for checking report references in one query. */
export async function dashboardsByIds(ctx: Ctx, ids: string[]): Promise<Map<string, Row>> {
  if (ids.length === 0) return new Map()
  const rows = await ctx.database.db
    .select()
    .from(dashboards)
    .where(and(eq(dashboards.org, ctx.org), inArray(dashboards.id, ids)))
  return new Map(rows.map((r) => [r.id, r]))
}

export async function updateDashboard(
  ctx: Ctx,
  id: string,
  input: DashboardInput,
  folderId?: string,
): Promise<void> {
  await ctx.database.db.transaction(async (tx) => {
    const before = await getDashboardRow(ctx, id, tx, true)
    requireOn(ctx, dashboardFolder(before.folderId), 'update', NOT_FOUND)
    // Moving takes it out of one folder and puts it into another, as for reports.
    if (folderId && folderId !== before.folderId) await requireFolder(ctx, folderId, tx)
    const updated = await tx
      .update(dashboards)
      .set({
        title: input.title,
        description: input.description,
        definition: { tabs: input.tabs, variables: input.variables },
        updatedAt: new Date(ctx.clock.now()),
        ...(folderId ? { folderId } : {}),
      })
      .where(and(eq(dashboards.org, ctx.org), eq(dashboards.id, id)))
      .returning({ id: dashboards.id })
    if (updated.length === 0) throw new NotFoundError(NOT_FOUND)
    await audit(ctx, 'dashboard.update', `dashboard:${id}`, { title: input.title }, tx)
  })
}

export async function deleteDashboard(ctx: Ctx, id: string): Promise<void> {
  await ctx.database.db.transaction(async (tx) => {
    const row = await getDashboardRow(ctx, id, tx, true)
    requireOn(ctx, dashboardFolder(row.folderId), 'delete', NOT_FOUND)
    const users = await tx
      .select({ id: reports.id, name: reports.name, folderId: reports.folderId })
      .from(reportDashboards)
      .innerJoin(reports, eq(reports.id, reportDashboards.reportId))
      .where(and(eq(reportDashboards.org, ctx.org), eq(reportDashboards.dashboardId, id)))
      .orderBy(asc(reports.name))
    if (users.length > 0) {
      const names = users.map((r) => `${r.name} (${r.id})`).join(', ')
      throw new ConflictError(`Dashboard is used by reports: ${names}`)
    }
    const deleted = await tx
      .delete(dashboards)
      .where(and(eq(dashboards.org, ctx.org), eq(dashboards.id, id)))
      .returning({ id: dashboards.id })
    if (deleted.length === 0) throw new NotFoundError(NOT_FOUND)
    await audit(ctx, 'dashboard.delete', `dashboard:${id}`, {}, tx)
  })
}
