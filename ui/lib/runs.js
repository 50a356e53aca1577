import { orgPath } from './api.js'

/** Shared words and paths of runs, for the history and the run page. */

export const RUN_STATES = [
  'queued',
  'running',
  'succeeded',
  'partially_failed',
  'failed',
  'cancelled',
]
export const FINAL_STATES = ['succeeded', 'partially_failed', 'failed', 'cancelled']

export const isFinal = (state) => FINAL_STATES.includes(state)

/** `partially_failed` → "partially failed". */
export const stateWords = (state) => String(state ?? '').replace(/_/g, ' ')

export function reportApi(org, reportId, rest = '') {
  return orgPath(org, `/reports/${encodeURIComponent(reportId)}${rest}`)
}

export function runApi(org, reportId, runId, rest = '') {
  return reportApi(org, reportId, `/runs/${encodeURIComponent(runId)}${rest}`)
}

/** The UI's hash paths of a report's history and of one run. */
export function historyPath(org, reportId) {
  return `/o/${encodeURIComponent(org)}/reports/${encodeURIComponent(reportId)}/runs`
}
export function runPagePath(org, reportId, runId) {
  return `${historyPath(org, reportId)}/${encodeURIComponent(runId)}`
}

/**
 * The range a run covered: the trigger's own (`override_range`), else the first dashboard's
 * resolved range; null before the run has resolved one.
 */
export function rangeOfRun(run) {
  const p = run.parameters ?? {}
  const r = p.override_range ?? (Array.isArray(p.ranges) ? p.ranges[0] : null)
  return r && typeof r.from === 'string' && typeof r.to === 'string' ? r : null
}

/** A run's creation time to the second, so runs of the same minute tell apart. */
export function whenExact(value) {
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return '—'
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })
}

/**
 * The report's zone the run was resolved in, if this browser knows it: ranges are shown in it,
 * as the report and its PDF state them. Undefined: the viewer's own zone.
 */
export function runZone(run) {
  const tz = run?.parameters?.timezone
  if (!tz) return undefined
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: tz })
    return tz
  } catch {
    return undefined
  }
}
