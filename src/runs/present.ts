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
