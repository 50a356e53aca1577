import type { Ctx } from '../context.ts'
import { ConflictError, GoneError } from '../errors.ts'
import type { ReportDashboard } from '../reports/model.ts'
import type { ReportRow } from '../reports/queries.ts'
import type { RunParameters, RunRow } from './model.ts'
import { resolveRunParameters } from './params.ts'
import { type OutputInfo, outputHref } from './present.ts'
import { findOrgRun, outputsOf } from './queries.ts'

/** Seed 001's job states, as a run's state and its files' fate map onto them. */
export type JobStatus = 'CREATED' | 'PROCESSING' | 'DONE' | 'FAILED' | 'DELETED'

const JOB_NOT_FOUND = 'Job not found'

export function jobStatus(run: Pick<RunRow, 'state' | 'outputsPurgedAt'>): JobStatus {
  switch (run.state) {
    case 'queued':
      return 'CREATED'
    case 'running':
      return 'PROCESSING'
    case 'succeeded':
    case 'partially_failed':
      // A partial failure is about recipients; the files were made and are readable.
      return run.outputsPurgedAt ? 'DELETED' : 'DONE'
    default:
      return 'FAILED'
  }
}

export const jobPath = (org: string, runId: string) =>
  `/api/v2/${encodeURIComponent(org)}/jobs/${runId}`

export interface JobFile {
  name: string
  media_type: string
  size: number
  sha256: string
  href: string
}

export interface JobView {
  job: {
    id: string
    name: string
    timezone: string
    status: JobStatus
    format: string
    timespan: { from: string | null; to: string | null }
  }
  _links: { self: { href: string }; files: { href: string } }
}

/** The window the run renders (its first dashboard's), resolved now if the run has not started. */
function timespanOf(report: ReportRow, run: RunRow): { from: string | null; to: string | null } {
  const recorded = run.parameters as RunParameters
  const range =
    recorded.ranges?.[0] ?? recorded.override_range ?? resolveRunParameters(report, run).ranges?.[0]
  return { from: range?.from ?? null, to: range?.to ?? null }
}

function present(report: ReportRow, run: RunRow): JobView {
  const dashboards = report.dashboards as ReportDashboard[]
  const self = jobPath(run.org, run.id)
  return {
    job: {
      id: run.id,
      name: report.title || report.name,
      timezone: resolveRunParameters(report, run).timezone,
      status: jobStatus(run),
      format: dashboards[0]?.report_type ?? 'pdf',
      timespan: timespanOf(report, run),
    },
    _links: { self: { href: self }, files: { href: `${self}/files` } },
  }
}

const toFile =
  (run: RunRow) =>
  (o: OutputInfo): JobFile => ({
    name: o.filename,
    media_type: o.media_type,
    size: o.size,
    sha256: o.sha256,
    href: outputHref(run, o.index),
  })

/** The job view of a run, with its files when it is DONE (for a redirect to them). */
export async function getJob(ctx: Ctx, runId: string): Promise<JobView & { files: JobFile[] }> {
  const { run, report } = await findOrgRun(ctx, runId, JOB_NOT_FOUND)
  const view = present(report, run)
  const files = view.job.status === 'DONE' ? (await outputsOf(ctx, run.id)).map(toFile(run)) : []
  return { ...view, files }
}

/** A DONE job's files; 410 once retention removed them, 409 while there are none yet. */
export async function getJobFiles(ctx: Ctx, runId: string): Promise<{ files: JobFile[] }> {
  const { run } = await findOrgRun(ctx, runId, JOB_NOT_FOUND)
  const status = jobStatus(run)
  if (status === 'DELETED') {
    throw new GoneError(
      'The files of this job were deleted',
      `They were removed after the retention period, on ${run.outputsPurgedAt?.toISOString()}. Run the report again for new files.`,
    )
  }
  if (status !== 'DONE') {
    throw new ConflictError(
      `The job is ${status}; it has no files`,
      status === 'FAILED'
        ? `The run ended ${run.state}${run.error ? `: ${run.error}` : ''}. Run the report again.`
        : `Poll ${jobPath(run.org, run.id)} until its status is DONE.`,
    )
  }
  return { files: (await outputsOf(ctx, run.id)).map(toFile(run)) }
}
