import type { reportRuns } from '../db/schema/index.ts'
import type { DeliveryParameters, DryRunResult } from '../delivery/types.ts'
import type { ReportType } from '../reports/model.ts'

export type { DryRunResult }

export type RunRow = typeof reportRuns.$inferSelect
export type RunState = RunRow['state']
export type RunTrigger = RunRow['trigger']

export const FINAL_STATES: readonly RunState[] = [
  'succeeded',
  'partially_failed',
  'failed',
  'cancelled',
]
export const isFinal = (s: RunState) => FINAL_STATES.includes(s)

/** What a trigger may override for one run (DESIGN §3.5). */
export interface RunOverrides {
  variables?: Record<string, string | string[]>
  timerange?: { from: string | number; to: string | number }
  destinations?: string[]
  dry_run?: boolean
  /** Renders every entry in this format instead of its report_type, for this run only. */
  format?: ReportType
}

/** Resolved inputs of a run, recorded on it so its history says exactly what was rendered. */
export interface RunParameters extends DeliveryParameters {
  variables?: Record<string, string | string[]>
  /** An explicit range from a trigger, already resolved (ISO instants). */
  override_range?: { from: string; to: string }
  /** The trigger's format, over each entry's report_type. */
  format?: ReportType
  /** What a dry run would have sent (nothing was). */
  dry_run_result?: DryRunResult
}

/** Notification channels; payloads are run or report ids. */
export const RUNS_CHANNEL = 'herald_runs'
export const RUN_DONE_CHANNEL = 'herald_run_done'
export const REPORTS_CHANNEL = 'herald_reports'
