import { requireOn } from '../authz/require.ts'
import type { Ctx } from '../context.ts'
import type { DashboardDefinition, Panel } from '../dashboards/model.ts'
import {
  DashboardRenderError,
  loadDashboard,
  mergeVariables,
  pickTab,
  queryPanels,
} from '../dashboards/render.ts'
import { checkVariables, type VariableValues } from '../dashboards/variables.ts'
import { PanelQueryError } from '../datasources/query.ts'
import type { Datasources } from '../datasources/registry.ts'
import { BadRequestError, NotFoundError, UnavailableError } from '../errors.ts'
import { newId } from '../lib/ids.ts'
import { reportFolder } from '../permissions.ts'
import { type PanelTable, panelTable } from '../render/json.ts'
import type { ReportDashboard } from '../reports/model.ts'
import { findReport, REPORT_NOT_FOUND, type ReportRow } from '../reports/queries.ts'
import { resolveRange } from '../timerange/index.ts'
import type { RunParameters } from './model.ts'
import { zoneOfReport } from './params.ts'
import { insertCompletedRun } from './store/runs.ts'
import { checkRunVariables } from './trigger.ts'

/**
 * Seed 000: run a report's data panels now and answer their rows, instead of files by email.
 * The same variables, typed checks and ranges as a queued run; recorded in the run history as
 * a run with trigger `api`.
 */

export interface RunDataOptions {
  /** A data panel by title, id or 0-based index among the report's data panels. */
  panel?: string
  /** Every data panel instead of one. */
  all?: boolean
}

export type TitledTable = PanelTable & { title: string }
export type RunDataResult = PanelTable | { panels: TitledTable[] }

/** A panel with a query, with the report entry it belongs to. */
interface DataPanel {
  entry: number
  panel: Panel
}

interface EntryInputs {
  from: Date
  to: Date
  variables: ReturnType<typeof checkVariables>['bound']
}

async function dataPanelsOf(ctx: Ctx, report: ReportRow) {
  const entries = report.dashboards as ReportDashboard[]
  const panels: DataPanel[] = []
  const defs: DashboardDefinition[] = []
  for (const [i, entry] of entries.entries()) {
    const row = await loadDashboard(ctx.database, report.org, entry.dashboard)
    if (!row) throw new BadRequestError(`Dashboard ${entry.dashboard} of this report not found`)
    defs.push(row.definition as DashboardDefinition)
    const ids = entry.tabs.length > 0 ? [...new Set(entry.tabs)] : [undefined]
    for (const id of ids) {
      let tab: ReturnType<typeof pickTab>
      try {
        tab = pickTab(row, id)
      } catch (err) {
        if (err instanceof DashboardRenderError) throw new BadRequestError(err.message)
        throw err
      }
      for (const panel of tab.panels) if (panel.query) panels.push({ entry: i, panel })
    }
  }
  return { entries, panels, defs }
}

function choose(panels: DataPanel[], o: RunDataOptions): DataPanel[] {
  if (panels.length === 0) throw new BadRequestError('This report has no data panel')
  if (o.all) return panels
  if (o.panel === undefined || o.panel === '') return [panels[0]!]
  const want = o.panel
  const byName =
    panels.find((p) => p.panel.title === want) ??
    panels.find((p) => p.panel.id === want) ??
    panels.find((p) => p.panel.title.toLowerCase() === want.toLowerCase())
  if (byName) return [byName]
  if (/^\d+$/.test(want) && Number(want) < panels.length) return [panels[Number(want)]!]
  throw new NotFoundError(
    `Panel "${want}" not found`,
    `Data panels of this report: ${panels.map((p, i) => `${i} "${p.panel.title || p.panel.id}"`).join(', ')}`,
  )
}

/**
 * Runs the chosen data panels of a report for anyone who may `get` it, after checking the
 * parameters against the dashboards' typed variables (400 naming the variable before anything
 * runs). A query failure is recorded as a failed run and answered 400 (the SQL) or 503 (the
 * datasource is unreachable).
 */
export async function runReportData(
  ctx: Ctx,
  datasources: Datasources,
  reportId: string,
  parameters: VariableValues,
  o: RunDataOptions,
): Promise<RunDataResult> {
  const report = await findReport(ctx, reportId)
  requireOn(ctx, reportFolder(report.folderId), 'get', REPORT_NOT_FOUND)
  const zone = zoneOfReport(report)
  const nowMs = ctx.clock.now()
  await checkRunVariables(ctx, report, parameters, zone, nowMs)
  const { entries, panels, defs } = await dataPanelsOf(ctx, report)
  const chosen = choose(panels, o)

  const inputs: EntryInputs[] = entries.map((entry, i) => {
    const r = resolveRange(entry.timerange, nowMs, zone)
    const merged = mergeVariables(defs[i]!.variables, entry.variables, parameters)
    const { bound } = checkVariables(defs[i]!.variables, merged, zone, nowMs)
    return { from: new Date(r.fromMs), to: new Date(r.toMs), variables: bound }
  })
  const recorded: RunParameters = {
    timezone: zone,
    ranges: inputs.map((x) => ({ from: x.from.toISOString(), to: x.to.toISOString() })),
  }
  if (Object.keys(parameters).length > 0) recorded.variables = parameters

  const tables: TitledTable[] = []
  let failure: PanelQueryError | undefined
  try {
    for (const { entry, panel } of chosen) {
      const inp = inputs[entry]!
      const [done] = await queryPanels(datasources, [panel], {
        org: report.org,
        from: inp.from,
        to: inp.to,
        timeZone: zone,
        variables: inp.variables,
      })
      tables.push({ title: panel.title, ...panelTable(done!.data!, zone) })
    }
  } catch (err) {
    if (!(err instanceof PanelQueryError)) throw err
    failure = err
  }
  await insertCompletedRun(ctx.database.db, {
    id: newId(),
    org: report.org,
    reportId: report.id,
    trigger: 'api',
    parameters: recorded,
    state: failure ? 'failed' : 'succeeded',
    error: failure?.message ?? null,
    requestedBy: ctx.actor.id,
    startedMs: nowMs,
    finishedMs: ctx.clock.now(),
  })
  if (failure && !failure.permanent) throw new UnavailableError(failure.message)
  if (failure) throw new BadRequestError(failure.message)
  if (o.all) return { panels: tables }
  const { title: _title, ...table } = tables[0]!
  return table
}
