import type { reports } from '../db/schema/index.ts'
import { dateToUs, rfc3339 } from '../lib/time.ts'
import type { Frequency, ReportDashboard, Timerange } from './model.ts'
import { normaliseFrequency } from './validate.ts'

type Row = typeof reports.$inferSelect

export interface LastRun {
  run_id: string
  state: string
  trigger: string
  scheduled_for: string | null
  created_at: string
  finished_at: string | null
  error: string | null
}

function normaliseTimerange(tr: Timerange): Timerange {
  return tr.type === 'relative' ? { ...tr, from: 0, to: 0 } : { ...tr, period: '' }
}

function dashboardOut(d: ReportDashboard, folderOf: Map<string, string>) {
  const out: Record<string, unknown> = {
    dashboard: d.dashboard,
    // The dashboard's current folder, so moving a dashboard is reflected (as OpenObserve does).
    folder: folderOf.get(d.dashboard) ?? d.folder,
    tabs: d.tabs,
    variables: d.variables.map((v) =>
      v.id ? { key: v.key, value: v.value, id: v.id } : { key: v.key, value: v.value },
    ),
    timerange: normaliseTimerange(d.timerange),
    report_type: d.report_type,
    email_attachment_type: d.email_attachment_type,
  }
  if (d.attachment_dimensions) out.attachment_dimensions = d.attachment_dimensions
  return out
}

/** The Report object in OpenObserve's key order, plus Herald's id, folderId and nextRunAt. */
export function presentReport(row: Row, folderOf: Map<string, string>) {
  return {
    name: row.name,
    title: row.title,
    orgId: row.org,
    frequency: normaliseFrequency(row.frequency as Frequency),
    start: row.startUs,
    dashboards: (row.dashboards as ReportDashboard[]).map((d) => dashboardOut(d, folderOf)),
    destinations: row.destinations as { email: string }[],
    description: row.description,
    message: row.message,
    enabled: row.enabled,
    imagePreview: row.imagePreview,
    timezone: row.timezone,
    timezoneOffset: row.tzOffsetMinutes,
    createdAt: rfc3339(row.createdAt),
    updatedAt: rfc3339(row.updatedAt),
    owner: row.owner,
    lastEditedBy: row.lastEditedBy,
    id: row.id,
    folderId: row.folderId,
    nextRunAt: dateToUs(row.nextRunAt),
    // Herald's own, after OpenObserve's fields.
    manual_runs: row.manualRuns,
  }
}

/** A list item in OpenObserve's snake_case shape, plus what its list lacks (W5, W7). */
export function presentListItem(
  row: Row,
  folderName: string,
  folderOf: Map<string, string>,
  lastRun: LastRun | null,
) {
  return {
    report_id: row.id,
    folder_id: row.folderId,
    folder_name: folderName,
    name: row.name,
    owner: row.owner || null,
    description: row.description || null,
    created_at: dateToUs(row.createdAt),
    dashboards: (row.dashboards as ReportDashboard[]).map((d) => ({
      dashboard: d.dashboard,
      folder: folderOf.get(d.dashboard) ?? d.folder,
      tabs: d.tabs,
      timerange: normaliseTimerange(d.timerange),
    })),
    frequency: normaliseFrequency(row.frequency as Frequency),
    enabled: row.enabled,
    org_id: row.org,
    last_triggered_at: dateToUs(row.lastTriggeredAt) ?? 0,
    title: row.title,
    destinations: row.destinations as { email: string }[],
    timezone: row.timezone,
    next_run_at: dateToUs(row.nextRunAt),
    last_run: lastRun,
    // Herald's: the schedule's anchor, so a list can say "Mondays at 09:00" without a fetch each.
    start: row.startUs,
  }
}
