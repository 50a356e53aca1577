import { eq } from 'drizzle-orm'
import { z } from 'zod'
import { audit } from '../audit/audit.ts'
import { requireOn } from '../authz/require.ts'
import type { Ctx } from '../context.ts'
import type { DashboardDefinition } from '../dashboards/model.ts'
import { loadDashboard, mergeVariables } from '../dashboards/render.ts'
import { checkVariables, type VariableValues } from '../dashboards/variables.ts'
import { reports } from '../db/schema/index.ts'
import { type FieldError, ForbiddenError, ValidationError } from '../errors.ts'
import { newId } from '../lib/ids.ts'
import { ORG_OBJECT, reportFolder } from '../permissions.ts'
import { REPORT_TYPES, type ReportDashboard } from '../reports/model.ts'
import { findReport, REPORT_NOT_FOUND, type ReportRow } from '../reports/queries.ts'
import { PhraseError, resolvePhrase } from '../timerange/index.ts'
import { RUNS_CHANNEL, type RunOverrides, type RunParameters, type RunRow } from './model.ts'
import { zoneOfReport } from './params.ts'
import { findRun } from './queries.ts'

const scalar = z.union([
  z.string().max(10_000),
  // Other systems send numbers and booleans as such; variables are bound from their text.
  z.union([z.number(), z.boolean()]).transform(String),
])
const variableValue = z.union([scalar, z.array(scalar).max(1000)])
const variableName = z.string().min(1).max(64)

/** Variables as a map, or as `[{name, value}]` (seed 003); the later of a repeated name wins. */
export const variablesSchema = z.union([
  z.record(variableName, variableValue),
  z
    .array(z.object({ name: variableName, value: variableValue }))
    .max(100)
    .transform((list) => Object.fromEntries(list.map((v) => [v.name, v.value]))),
])

import { insertQueuedRuns } from './store/runs.ts'

export const triggerSchema = z
  .object({
    variables: variablesSchema.optional(),
    timerange: z
      .object({
        from: z.union([z.string().min(1).max(100), z.number().int()]),
        to: z.union([z.string().min(1).max(100), z.number().int()]),
      })
      .optional(),
    destinations: z
      .array(z.union([z.email(), z.object({ email: z.email() }).transform((d) => d.email)]))
      .max(500)
      .optional(),
    dry_run: z.boolean().optional(),
    format: z.enum(REPORT_TYPES).optional(),
  })
  .default({})

/** Resolves phrases like "3 days ago" in the report's zone, as of now. */
function resolveOverrideRange(
  tr: NonNullable<RunOverrides['timerange']>,
  zone: string,
  nowMs: number,
): { from: string; to: string } {
  const errors: FieldError[] = []
  const at = (key: 'from' | 'to'): number => {
    try {
      return resolvePhrase(String(tr[key]), nowMs, zone)
    } catch (err) {
      if (!(err instanceof PhraseError)) throw err
      errors.push({ name: `timerange.${key}`, description: err.message })
      return Number.NaN
    }
  }
  const from = at('from')
  const to = at('to')
  if (!errors.length && !(from < to)) {
    errors.push({ name: 'timerange', description: 'timerange.from must be before timerange.to' })
  }
  if (errors.length) throw new ValidationError(errors)
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString() }
}

/**
 * The run's variables over each dashboard's and report entry's, checked against the typed
 * declarations before anything is queued: 400 with a field error per variable (`variables.x`).
 */
export async function checkRunVariables(
  ctx: Ctx,
  report: ReportRow,
  variables: VariableValues,
  zone: string,
  nowMs: number,
): Promise<void> {
  const errors = new Map<string, FieldError>()
  for (const entry of report.dashboards as ReportDashboard[]) {
    const row = await loadDashboard(ctx.database, report.org, entry.dashboard)
    if (!row) continue
    const defs = (row.definition as DashboardDefinition).variables
    const merged = mergeVariables(defs, entry.variables, variables)
    for (const e of checkVariables(defs, merged, zone, nowMs).errors) errors.set(e.name, e)
  }
  if (errors.size) throw new ValidationError([...errors.values()])
}

/** A report kept to its owner (`manual_runs: "owner"`) runs by hand for them and org admins. */
function requireManualRunner(ctx: Ctx, report: ReportRow): void {
  if (report.manualRuns !== 'owner') return
  if (ctx.actor.root || ctx.guard.can(ORG_OBJECT, 'update')) return
  if (report.owner && report.owner.toLowerCase() === ctx.actor.email.toLowerCase()) return
  throw new ForbiddenError('Only the owner of this report and org admins may run it')
}

/** Queues a run of the report now, enabled or not, with the caller's overrides. */
export async function triggerReport(
  ctx: Ctx,
  reportId: string,
  overrides: RunOverrides,
): Promise<RunRow> {
  const report = await findReport(ctx, reportId)
  requireOn(ctx, reportFolder(report.folderId), 'trigger', REPORT_NOT_FOUND)
  requireManualRunner(ctx, report)
  const nowMs = ctx.clock.now()
  const now = new Date(nowMs)
  const parameters: RunParameters = { timezone: zoneOfReport(report) }
  await checkRunVariables(ctx, report, overrides.variables ?? {}, parameters.timezone, nowMs)
  if (overrides.variables) parameters.variables = overrides.variables
  if (overrides.destinations) parameters.destinations = overrides.destinations
  if (overrides.dry_run) parameters.dry_run = true
  if (overrides.format) parameters.format = overrides.format
  if (overrides.timerange) {
    parameters.override_range = resolveOverrideRange(
      overrides.timerange,
      parameters.timezone,
      nowMs,
    )
  }
  const run = await ctx.database.db.transaction(async (tx) => {
    const [row] = await insertQueuedRuns(
      tx,
      [
        {
          id: newId(),
          org: ctx.org,
          reportId,
          trigger: ctx.actor.kind === 'token' ? 'api' : 'manual',
          parameters,
          requestedBy: ctx.actor.id,
        },
      ],
      nowMs,
    )
    await tx.update(reports).set({ lastTriggeredAt: now }).where(eq(reports.id, reportId))
    await audit(ctx, 'report.trigger', `report:${reportId}`, { runId: row!.id, ...overrides }, tx)
    return row!
  })
  await ctx.database.notify(RUNS_CHANNEL, run.id)
  return run
}

/** Mode's create-run body: the report's parameters as a map (and, as the trigger, a format). */
export const createRunSchema = z
  .object({
    parameters: z.record(variableName, variableValue).default({}),
    format: z.enum(REPORT_TYPES).optional(),
  })
  .default({ parameters: {} })

/**
 * A new run with the same inputs as an earlier one of the report (Mode's clone): variables,
 * explicit range, recipients and dry-run flag; a relative range ends when the clone is made.
 */
export async function cloneRun(ctx: Ctx, reportId: string, runId: string): Promise<RunRow> {
  const original = await findRun(ctx, reportId, runId)
  const p = original.parameters as RunParameters
  const overrides: RunOverrides = {}
  if (p.variables) overrides.variables = p.variables
  if (p.override_range) overrides.timerange = p.override_range
  if (p.destinations) overrides.destinations = p.destinations
  if (p.dry_run) overrides.dry_run = true
  if (p.format) overrides.format = p.format
  return triggerReport(ctx, reportId, overrides)
}
