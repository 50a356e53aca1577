import type { ReportDashboard } from '../reports/model.ts'
import type { ReportRow } from '../reports/queries.ts'
import { resolveZone } from '../schedule/index.ts'
import { resolveRange } from '../timerange/index.ts'
import type { RunParameters, RunRow } from './model.ts'

/** The zone a report's times are shown and resolved in. */
export function zoneOfReport(report: Pick<ReportRow, 'timezone' | 'tzOffsetMinutes'>): string {
  return resolveZone(report.timezone, report.tzOffsetMinutes)
}

/**
 * Resolves each dashboard's time range for this run: relative periods end at the run's slot
 * (or when a manual run was created), so a late or retried run renders the window it was for.
 */
export function resolveRunParameters(report: ReportRow, run: RunRow): RunParameters {
  const params = (run.parameters ?? {}) as RunParameters
  const zone = zoneOfReport(report)
  const endMs = slotMsOf(run)
  const ranges = (report.dashboards as ReportDashboard[]).map((d) => {
    if (params.override_range) return params.override_range
    const r = resolveRange(d.timerange, endMs, zone)
    return { from: new Date(r.fromMs).toISOString(), to: new Date(r.toMs).toISOString() }
  })
  return { ...params, timezone: zone, ranges }
}

/**
 * The instant a run is for: its slot when scheduled, else when it was created. Its time range
 * ends here and its date variables ("3 days ago") resolve here, so a late or retried run shows
 * what it would have shown on time.
 */
export function slotMsOf(run: Pick<RunRow, 'scheduledFor' | 'createdAt'>): number {
  return (run.scheduledFor ?? run.createdAt).getTime()
}
