import { and, eq } from 'drizzle-orm'
import { requireOn } from '../authz/require.ts'
import type { Ctx } from '../context.ts'
import { DatasourceConfigError, PanelQueryError, runPanelQuery } from '../datasources/query.ts'
import type { Datasources } from '../datasources/registry.ts'
import type { Database } from '../db/client.ts'
import { dashboards } from '../db/schema/index.ts'
import { BadRequestError, NotFoundError, UnavailableError } from '../errors.ts'
import { dashboardFolder } from '../permissions.ts'
import type { BindValue } from '../render/bind-query.ts'
import { csvFilename, renderCsv, safeFilename } from '../render/csv.ts'
import { jsonBulkDocument, jsonDocument } from '../render/json.ts'
import type { Renderer } from '../render/pool.ts'
import type { Panel, RenderedPanel, RenderInput, RenderTab } from '../render/types.ts'
import { ianaZoneOf } from '../schedule/zone.ts'
import { parsePeriod, rangeLabel, resolveRange, timeLabel } from '../timerange/index.ts'
import { getDashboardRow } from './dashboards.ts'
import type { DashboardDefinition, Variable } from './model.ts'
import { checkVariables } from './variables.ts'

/**
 * Rendering one dashboard tab for a time range: variables merged, every panel's query run on its
 * datasource, then the files a report type asks for. Shared by report runs and the preview.
 */

export type OutputFormat = 'pdf' | 'png' | 'csv' | 'json' | 'json_bulk'
export type DashboardRow = typeof dashboards.$inferSelect
type Tab = DashboardDefinition['tabs'][number]
export type VariableValues = Record<string, string | string[]>

export interface RenderedFile {
  mediaType: string
  filename: string
  bytes: Buffer
}

/** A dashboard cannot be rendered as asked (missing tab or panel): rendering again won't help. */
export class DashboardRenderError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DashboardRenderError'
  }
}

export const MEDIA_TYPES: Record<OutputFormat, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  csv: 'text/csv',
  json: 'application/json',
  json_bulk: 'application/x-ndjson',
}

/** The dashboard of a run, by id within the report's org (runs act for the report, not a user). */
export async function loadDashboard(
  database: Database,
  org: string,
  id: string,
): Promise<DashboardRow | undefined> {
  const [row] = await database.db
    .select()
    .from(dashboards)
    .where(and(eq(dashboards.org, org), eq(dashboards.id, id)))
  return row
}

/** The tab with this id; the first tab when none is asked for. */
export function pickTab(row: DashboardRow, tabId: string | undefined): Tab {
  const tabs = (row.definition as DashboardDefinition).tabs
  const tab = tabId ? tabs.find((t) => t.tabId === tabId) : tabs[0]
  if (!tab) {
    throw new DashboardRenderError(
      tabId
        ? `Dashboard "${row.title}" has no tab "${tabId}"`
        : `Dashboard "${row.title}" has no tabs`,
    )
  }
  return tab
}

/**
 * Dashboard defaults ← the report entry's `{key, value}` list ← the run's overrides. A variable
 * whose default is a list stays a list (bound as an array for `= ANY(${v})`); a report entry may
 * repeat a key to give several values, as OpenObserve's `var-x=a&var-x=b` does.
 */
export function mergeVariables(
  defs: Pick<Variable, 'name' | 'value'>[],
  entry: { key: string; value: string }[] = [],
  overrides: VariableValues = {},
): VariableValues {
  const out: VariableValues = {}
  const multi = new Set<string>()
  for (const v of defs) {
    out[v.name] = Array.isArray(v.value) ? [...v.value] : v.value
    if (Array.isArray(v.value)) multi.add(v.name)
  }
  const fromEntry = new Map<string, string[]>()
  for (const { key, value } of entry) fromEntry.set(key, [...(fromEntry.get(key) ?? []), value])
  for (const [key, values] of fromEntry) {
    out[key] = multi.has(key) || values.length > 1 ? values : values[0]!
  }
  for (const [key, value] of Object.entries(overrides)) {
    out[key] = multi.has(key) && !Array.isArray(value) ? [value] : value
  }
  return out
}

export interface PanelRunParams {
  org: string
  from: Date
  to: Date
  timeZone: string
  variables: Record<string, BindValue>
  signal?: AbortSignal
}

/**
 * Runs every panel's query, one after another, stopping at the first failure (a PanelQueryError
 * naming the panel). Text panels need no query.
 */
export async function queryPanels(
  ds: Datasources,
  panels: Panel[],
  p: PanelRunParams,
): Promise<RenderedPanel[]> {
  const out: RenderedPanel[] = []
  for (const panel of panels) {
    p.signal?.throwIfAborted()
    if (!panel.query) {
      out.push({ panel })
      continue
    }
    let conn: Awaited<ReturnType<Datasources['connect']>>
    try {
      conn = await ds.connect(p.org, panel.query.datasource)
    } catch (err) {
      const permanent = err instanceof DatasourceConfigError
      throw new PanelQueryError(
        `Panel "${panel.title || panel.id}": ${(err as Error).message}`,
        permanent,
      )
    }
    out.push({ panel, data: await runPanelQuery(conn, panel, p, ds.limits) })
  }
  return out
}

/**
 * The files one report entry (or a preview) produces in `format`. PDF and PNG are drawn by the
 * renderer's threads, never on this event loop; CSV is the rows as text.
 */
export async function renderFiles(
  format: 'pdf' | 'png' | 'csv',
  input: RenderInput,
  renderer: Renderer,
  signal?: AbortSignal,
): Promise<RenderedFile[]> {
  if (format === 'pdf' || format === 'png') {
    const bytes = await renderer.render(format, input, signal)
    return [{ mediaType: MEDIA_TYPES[format], filename: safeFilename(input.title, format), bytes }]
  }
  return input.panels
    .filter((rp) => rp.data && rp.panel.query)
    .map((rp) => ({
      mediaType: MEDIA_TYPES.csv,
      filename: csvFilename(rp.panel.title || rp.panel.id),
      bytes: Buffer.from(renderCsv(rp.data!, input.timeZone), 'utf8'),
    }))
}

/** One report dashboard entry (or a preview) to render: what, for when, in which shape. */
export interface EntryRenderRequest {
  org: string
  dashboard: DashboardRow
  /** Tab ids, rendered in this order; the dashboard's first tab when empty. */
  tabs: string[]
  from: Date
  to: Date
  /** IANA zone of the range label, the time axes and the CSV times. */
  timeZone: string
  /** The report entry's `{key, value}` list (dashboard defaults apply underneath). */
  entryVariables?: { key: string; value: string }[]
  /** The run's (or the caller's) overrides, on top of everything. */
  variables?: VariableValues
  format: OutputFormat
  width?: number
  height?: number
  /** CSV only: just this panel of each tab. */
  panel?: string
  /** When the report is drawn: the header's "Generated" time. */
  nowMs: number
  /**
   * Where date phrases in variables ("3 days ago", "today") resolve: a run's slot, not the
   * moment it happens to render. Absent: `nowMs` (a preview is for now).
   */
  variablesAtMs?: number
  /** json/json_bulk: the report named in the document (the dashboard's title when absent). */
  reportName?: string
  /** Also a PNG of the first tab, shown inline in a PDF email (imagePreview). */
  previewImage?: boolean
  signal?: AbortSignal
}

export interface EntryRender {
  files: RenderedFile[]
  panels: number
  queryMs: number
  renderMs: number
}

/**
 * Renders a report's dashboard entry: every listed tab's panels queried for the range, then the
 * files of its format — PDF: one document, a section per tab; PNG: one image per tab; CSV: one
 * file per data panel of each tab. With several tabs, PNG and CSV names carry the tab's name.
 * A missing tab is a DashboardRenderError, a query failure a PanelQueryError: the caller decides
 * what they mean to its user.
 */
export async function renderDashboardEntry(
  services: RenderServices,
  r: EntryRenderRequest,
): Promise<EntryRender> {
  const started = performance.now()
  const def = r.dashboard.definition as DashboardDefinition
  const ids = r.tabs.length > 0 ? [...new Set(r.tabs)] : [undefined]
  const tabs = ids.map((id) => pickTab(r.dashboard, id))
  const merged = mergeVariables(def.variables, r.entryVariables, r.variables)
  // Typed variables become typed parameters; date phrases resolve in the report's zone.
  const { errors, bound: variables } = checkVariables(
    def.variables,
    merged,
    r.timeZone,
    r.variablesAtMs ?? r.nowMs,
  )
  if (errors.length) throw new DashboardRenderError(errors.map((e) => e.description).join('; '))
  const rendered: RenderTab[] = []
  for (const tab of tabs) {
    let panels = tab.panels
    if (r.format === 'csv' && r.panel !== undefined) panels = panels.filter((p) => p.id === r.panel)
    rendered.push({
      tabName: tab.name,
      panels: await queryPanels(services.datasources, panels, {
        org: r.org,
        from: r.from,
        to: r.to,
        timeZone: r.timeZone,
        variables,
        signal: r.signal,
      }),
    })
  }
  const queried = performance.now()
  r.signal?.throwIfAborted()
  const base = {
    title: r.dashboard.title,
    timeRangeLabel: rangeLabel(r.from.getTime(), r.to.getTime(), r.timeZone),
    generatedAtLabel: timeLabel(r.nowMs, r.timeZone),
    width: r.width,
    height: r.height,
    timeZone: r.timeZone,
  }
  const several = rendered.length > 1
  const inputOf = (tab: RenderTab): RenderInput => ({ ...base, ...tab })
  const files: RenderedFile[] = []
  const { renderer } = services
  if (r.format === 'json' || r.format === 'json_bulk') {
    // One document per entry, every tab's data panels in it: the data, not one file per panel.
    const doc = {
      report: r.reportName ?? r.dashboard.title,
      timezone: r.timeZone,
      timespan: { from: r.from.toISOString(), to: r.to.toISOString() },
      panels: rendered.flatMap((t) => t.panels),
    }
    const text = r.format === 'json' ? jsonDocument(doc) : jsonBulkDocument(doc)
    files.push({
      mediaType: MEDIA_TYPES[r.format],
      filename: safeFilename(doc.report, r.format === 'json' ? 'json' : 'ndjson'),
      bytes: Buffer.from(text, 'utf8'),
    })
  } else if (r.format === 'pdf') {
    const [first, ...more] = rendered
    files.push(
      ...(await renderFiles('pdf', { ...inputOf(first!), moreTabs: more }, renderer, r.signal)),
    )
  } else {
    for (const tab of rendered) {
      const out = await renderFiles(r.format, inputOf(tab), renderer, r.signal)
      for (const f of out) files.push(several ? { ...f, filename: tabFilename(tab, f) } : f)
    }
  }
  if (r.previewImage && r.format === 'pdf') {
    files.push(...(await renderFiles('png', inputOf(rendered[0]!), renderer, r.signal)))
  }
  return {
    files,
    panels: rendered.reduce((n, t) => n + t.panels.length, 0),
    queryMs: Math.round(queried - started),
    renderMs: Math.round(performance.now() - queried),
  }
}

/** `Sales - Europe.png`, `Europe - Revenue.csv`: one entry's files stay apart by their tab. */
function tabFilename(tab: RenderTab, f: RenderedFile): string {
  const dot = f.filename.lastIndexOf('.')
  const stem = f.filename.slice(0, dot)
  const ext = f.filename.slice(dot + 1)
  return f.mediaType === MEDIA_TYPES.csv
    ? safeFilename(`${tab.tabName} - ${stem}`, ext)
    : safeFilename(`${stem} - ${tab.tabName}`, ext)
}

/** What rendering a dashboard needs besides the database: panel queries and the drawing. */
export interface RenderServices {
  datasources: Datasources
  renderer: Renderer
}

export interface PreviewOptions {
  format: OutputFormat
  tab?: string
  /** A relative period ending now (`30m`, `7d`, `1M`). */
  period: string
  /** IANA zone the range, labels and date buckets are in. */
  timezone?: string
  /** csv: which panel; the first data panel when absent. */
  panel?: string
  width?: number
  height?: number
  variables?: VariableValues
}

/** csv previews one panel: the one asked for, else the tab's first with a query. */
function csvPanel(tab: Tab, id: string | undefined): Panel {
  const chosen = id
    ? tab.panels.find((p) => p.id === id)
    : tab.panels.find((p) => p.query !== undefined)
  if (!chosen) {
    throw new NotFoundError(id ? `Panel "${id}" not found` : 'This tab has no data panel')
  }
  if (!chosen.query) throw new BadRequestError(`Panel "${chosen.title || chosen.id}" has no query`)
  return chosen
}

/**
 * Renders a dashboard now, for someone who may `get` it: the file a report would attach, without
 * creating a report. Query failures are 400 (the dashboard's SQL) or 503 (datasource down).
 */
export async function previewDashboard(
  ctx: Ctx,
  services: RenderServices,
  id: string,
  o: PreviewOptions,
): Promise<RenderedFile> {
  const row = await getDashboardRow(ctx, id)
  requireOn(ctx, dashboardFolder(row.folderId), 'get', 'Dashboard not found')
  const zone = o.timezone ? ianaZoneOf(o.timezone) : 'UTC'
  if (!zone) throw new BadRequestError(`Unknown timezone "${o.timezone}"`)
  if (!parsePeriod(o.period)) {
    throw new BadRequestError(`Invalid period "${o.period}": use <number><unit>, unit m h d w M y`)
  }
  const now = ctx.clock.now()
  const range = resolveRange({ type: 'relative', period: o.period, from: 0, to: 0 }, now, zone)
  let panel: string | undefined
  try {
    const tab = pickTab(row, o.tab)
    if (o.format === 'csv') panel = csvPanel(tab, o.panel).id
  } catch (err) {
    if (err instanceof DashboardRenderError) throw new NotFoundError(err.message)
    throw err
  }
  let rendered: EntryRender
  try {
    // Exactly what a report's run of this dashboard draws: the same function, the same header.
    rendered = await renderDashboardEntry(services, {
      org: ctx.org,
      dashboard: row,
      tabs: o.tab ? [o.tab] : [],
      from: new Date(range.fromMs),
      to: new Date(range.toMs),
      timeZone: zone,
      variables: o.variables,
      format: o.format,
      width: o.width,
      height: o.height,
      panel,
      nowMs: now,
    })
  } catch (err) {
    if (err instanceof PanelQueryError && !err.permanent) throw new UnavailableError(err.message)
    if (err instanceof PanelQueryError) throw new BadRequestError(err.message)
    throw err
  }
  const [file] = rendered.files
  if (!file) throw new BadRequestError('Nothing to render')
  return file
}
