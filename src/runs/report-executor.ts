import type { Logger } from 'pino'
import type { Clock } from '../clock.ts'
import type { DashboardDefinition } from '../dashboards/model.ts'
import {
  DashboardRenderError,
  type EntryRender,
  loadDashboard,
  mergeVariables,
  renderDashboardEntry,
} from '../dashboards/render.ts'
import { PanelQueryError } from '../datasources/query.ts'
import type { Datasources } from '../datasources/registry.ts'
import type { Database } from '../db/client.ts'
import type { DeliverRunInput, DeliveryOutput, DeliveryResult } from '../delivery/index.ts'
import { RenderError, type Renderer } from '../render/pool.ts'
import type { ReportDashboard } from '../reports/model.ts'
import type { ExecutorCapacity, RunContext, RunExecutor, RunResult } from './executor.ts'
import { runResultOf } from './outcome.ts'
import { type NewOutput, storeOutputs } from './outputs.ts'
import { slotMsOf } from './params.ts'
import { renderKey, SharedRenders } from './shared-renders.ts'
import { deliveriesOf } from './store/deliveries.ts'
import { loadRunOutputs } from './store/outputs.ts'

/** Hands a run's stored outputs to delivery (email); returns what happened per recipient. */
export type Deliver = (input: DeliverRunInput, log: Logger) => Promise<DeliveryResult>

export interface ReportExecutorOptions {
  database: Database
  datasources: Datasources
  renderer: Renderer
  clock: Clock
  deliver: Deliver
  /**
   * Runs that may be querying and rendering at once; the worker claims no more than that (the
   * rest stay queued, for this process later or another now). Twice the render threads keeps
   * every thread busy while the next run's panel queries run. Unbounded when absent.
   */
  maxRendering?: number
  /**
   * How long a finished render is shared with later runs of identical inputs (runs of one slot
   * are claimed over seconds in a burst). 60 s when absent; 0 shares only renders in flight.
   */
  shareWindowMs?: number
}

/** A reason the run cannot succeed however often it is retried. */
class FinalFailure extends Error {}

/**
 * The real executor: renders each dashboard of the report (in order) for the run's resolved
 * range, stores the files as the run's outputs (replacing an earlier attempt's), then either
 * stops there (a cached report: no recipients) or hands them to delivery.
 *
 * Failures that retrying cannot fix (SQL errors, a missing dashboard or datasource, the row cap,
 * the time limit) are returned as `failed`; anything else is thrown, and the worker retries it.
 */
export class ReportExecutor implements RunExecutor {
  private readonly shared: SharedRenders<EntryRender>
  private rendering = 0
  private readonly listeners: (() => void)[] = []
  readonly capacity: ExecutorCapacity

  constructor(private readonly o: ReportExecutorOptions) {
    this.shared = new SharedRenders({
      clock: o.clock,
      windowMs: o.shareWindowMs,
      sizeOf: (r) => r.files.reduce((n, f) => n + f.bytes.length, 0),
    })
    const max = o.maxRendering ?? Number.POSITIVE_INFINITY
    this.capacity = {
      free: () => Math.max(0, max - this.rendering),
      onFree: (listener) => this.listeners.push(listener),
    }
  }

  async execute(ctx: RunContext): Promise<RunResult> {
    // Counted from the start until its files exist: delivery does not hold a render slot.
    this.rendering++
    let released = false
    const release = () => {
      if (released) return
      released = true
      this.rendering--
      for (const l of this.listeners) l()
    }
    try {
      return await this.run(ctx, release)
    } finally {
      release()
    }
  }

  private async run(ctx: RunContext, release: () => void): Promise<RunResult> {
    const { run } = ctx
    // Once delivery has begun, a later pass (recipients backing off, a retry of failed ones)
    // sends the files the others got: every recipient of a run gets the same report.
    if (hasRecipients(ctx) && (await deliveriesOf(this.o.database, run.id)).length > 0) {
      const stored = await loadRunOutputs(this.o.database, run.id)
      if (stored.length > 0) {
        release()
        return this.deliver(ctx, stored)
      }
    }
    let files: NewOutput[]
    try {
      files = await this.render(ctx)
    } catch (err) {
      // A render that threw, died or overran would do so again: the run fails, the others go on.
      if (
        err instanceof FinalFailure ||
        err instanceof DashboardRenderError ||
        err instanceof RenderError
      ) {
        return { state: 'failed', error: err.message }
      }
      if (err instanceof PanelQueryError && err.permanent) {
        return { state: 'failed', error: err.message }
      }
      throw err
    } finally {
      release()
    }
    const outputs = await storeOutputs(this.o.database, run.id, files, this.o.clock.now())
    // A cached report: its outputs are the result, served by GET …/reports/{id}/output.
    if (!hasRecipients(ctx)) return { state: 'succeeded' }
    return this.deliver(
      ctx,
      outputs.map((o) => ({
        index: o.index,
        dashboard: o.dashboard,
        mediaType: o.mediaType,
        filename: o.filename,
        bytes: o.bytes,
      })),
    )
  }

  private async deliver(ctx: RunContext, outputs: DeliveryOutput[]): Promise<RunResult> {
    const { run, report, parameters, signal, log } = ctx
    const result = await this.o.deliver({ run, report, parameters, outputs, signal }, log)
    return runResultOf(result, this.o.clock.now())
  }

  private async render(ctx: RunContext): Promise<NewOutput[]> {
    const { run, report, parameters, signal, log } = ctx
    const entries = report.dashboards as ReportDashboard[]
    const slotMs = slotMsOf(run)
    if (entries.length === 0) throw new FinalFailure('The report has no dashboards')
    const zone = parameters.timezone || 'UTC'
    const files: NewOutput[] = []
    for (const [i, entry] of entries.entries()) {
      const range = parameters.ranges?.[i]
      if (!range) throw new FinalFailure(`No time range was resolved for dashboard ${i + 1}`)
      const row = await loadDashboard(this.o.database, report.org, entry.dashboard)
      if (!row) throw new FinalFailure(`Dashboard ${entry.dashboard} not found`)
      const def = row.definition as DashboardDefinition
      const from = new Date(range.from)
      const to = new Date(range.to)
      const variables = mergeVariables(def.variables, entry.variables, parameters.variables)
      // A trigger may ask for another format for this run only.
      const format = parameters.format ?? entry.report_type
      // A PDF email may carry an inline picture of the dashboard (imagePreview).
      const previewImage = report.imagePreview && hasRecipients(ctx)
      const key = renderKey({
        org: report.org,
        dashboard: row.id,
        definition: { title: row.title, definition: row.definition },
        tabs: entry.tabs,
        from: from.getTime(),
        to: to.getTime(),
        timeZone: zone,
        variables,
        // Runs of other slots resolve "today" to other days; runs of one slot share.
        variablesAt: def.variables.some((v) => v.type === 'date' || v.type === 'datetime')
          ? slotMs
          : undefined,
        format,
        reportName: format.startsWith('json') ? report.name : undefined,
        width: entry.attachment_dimensions?.width,
        height: entry.attachment_dimensions?.height,
        previewImage: previewImage && format === 'pdf',
        datasources: await this.datasourceVersions(report.org, def),
      })
      const { value: done, shared } = await this.shared.share(key, () =>
        renderDashboardEntry(this.o, {
          org: report.org,
          dashboard: row,
          tabs: entry.tabs,
          from,
          to,
          timeZone: zone,
          entryVariables: entry.variables,
          variables: parameters.variables,
          format,
          reportName: report.name,
          width: entry.attachment_dimensions?.width,
          height: entry.attachment_dimensions?.height,
          nowMs: this.o.clock.now(),
          variablesAtMs: slotMs,
          previewImage,
          signal,
        }),
      )
      for (const f of done.files) files.push({ ...f, dashboard: i })
      log.info(
        {
          dashboard: row.id,
          format,
          tabs: entry.tabs.length,
          panels: done.panels,
          queryMs: done.queryMs,
          renderMs: done.renderMs,
          shared,
        },
        shared ? 'dashboard render shared' : 'dashboard rendered',
      )
    }
    return files
  }

  /** The version of each datasource the dashboard's panels query, for the render key. */
  private async datasourceVersions(
    org: string,
    def: DashboardDefinition,
  ): Promise<Record<string, string>> {
    const panels = def.tabs.flatMap((t) => t.panels)
    const names = [...new Set(panels.flatMap((p) => (p.query ? [p.query.datasource] : [])))]
    const versions = await Promise.all(names.map((n) => this.o.datasources.version(org, n)))
    return Object.fromEntries(names.map((n, i) => [n, versions[i]!]))
  }
}

/** The trigger's destinations when it gave some, else the report's. */
function hasRecipients({ report, parameters }: Pick<RunContext, 'report' | 'parameters'>): boolean {
  const list = parameters.destinations ?? (report.destinations as unknown[])
  return list.length > 0
}
