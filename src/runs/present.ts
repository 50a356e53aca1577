import { iso } from '../lib/time.ts'
import type { RunRow } from './model.ts'

export interface OutputInfo {
  index: number
  media_type: string
  filename: string
  size: number
  sha256: string
}

export interface DeliveryInfo {
  recipient: string
  state: string
  attempts: number
  message_id: string | null
  error: string | null
  sent_at: string | null
  possible_duplicate: boolean
}

/**
 * A run's path in the API (`Location` of a trigger or retry, `href` of its detail). People get
 * the signed run page instead (`LinkSigner.runUrl`): this one needs credentials.
 */
export function runPath(run: Pick<RunRow, 'org' | 'reportId' | 'id'>): string {
  return `/api/v2/${encodeURIComponent(run.org)}/reports/${run.reportId}/runs/${run.id}`
}

/** One output of a run, in the API (needs credentials). */
export function outputHref(run: Pick<RunRow, 'org' | 'reportId' | 'id'>, index: number): string {
  return `${runPath(run)}/outputs/${index}`
}

export function presentRun(run: RunRow) {
  return {
    run_id: run.id,
    report_id: run.reportId,
    trigger: run.trigger,
    state: run.state,
    scheduled_for: iso(run.scheduledFor),
    created_at: run.createdAt.toISOString(),
    updated_at: run.updatedAt.toISOString(),
    started_at: iso(run.startedAt),
    finished_at: iso(run.finishedAt),
    attempt: run.attempt,
    skipped_slots: run.skippedSlots,
    error: run.error,
    parameters: run.parameters,
  }
}

export function presentRunDetail(
  run: RunRow,
  outputs: OutputInfo[],
  deliveries: DeliveryInfo[],
  href: (index: number) => string,
) {
  return {
    ...presentRun(run),
    outputs: outputs.map((o) => ({ ...o, href: href(o.index) })),
    deliveries,
  }
}

/** Where a run stands among its report's runs (Mode's `is_latest_*` flags). */
export interface RunStanding {
  latestId: string | null
  latestSucceededId: string | null
  /** A run failed (wholly or in part) after the latest success, or there was none. */
  failingSinceSuccess: boolean
}

interface Link {
  href: string
}

/** Mode's fields of a run: its standing and HAL links, `pdf_export` only when it made a PDF. */
export function presentModeFields(
  run: RunRow,
  standing: RunStanding,
  outputs: Pick<OutputInfo, 'index' | 'media_type'>[],
) {
  const self = runPath(run)
  const links: Record<string, Link> = {
    self: { href: self },
    report: { href: `/api/v2/${encodeURIComponent(run.org)}/reports/${run.reportId}` },
    outputs: { href: self },
    clone: { href: `${self}/clone` },
  }
  const first = outputs[0]
  if (first) links.content = { href: outputHref(run, first.index) }
  const pdf = outputs.find((o) => o.media_type === 'application/pdf')
  if (pdf) links.pdf_export = { href: outputHref(run, pdf.index) }
  return {
    is_latest_report_run: standing.latestId === run.id,
    is_latest_successful_report_run: standing.latestSucceededId === run.id,
    report_has_failures_since_last_success: standing.failingSinceSuccess,
    _links: links,
  }
}
