import { and, asc, eq } from 'drizzle-orm'
import type { Clock } from '../clock.ts'
import type { Database } from '../db/client.ts'
import { reportRuns, reports, runOutputs } from '../db/schema/index.ts'
import { rangeLabels, subjectOf } from '../delivery/compose.ts'
import type { LinkSigner, SignedRunRef } from '../delivery/links.ts'
import type { RunParameters } from './model.ts'
import { zoneOfReport } from './params.ts'

/** What a recipient may see of a run: no recipients, no error text, no parameters. */
export interface RunView {
  title: string
  reportName: string
  org: string
  runId: string
  state: string
  trigger: string
  timeZone: string
  scheduledForMs: number | null
  createdAtMs: number
  finishedAtMs: number | null
  /** Each distinct time range the run covers, labelled in the report's zone. */
  ranges: string[]
  outputs: { filename: string; mediaType: string; size: number; url: string }[]
  /** When this page's link (and the output links on it) stop working. */
  expiresAtMs: number
}

export type RunPage =
  | { kind: 'ok'; view: RunView }
  /** Tampered with, or signed with another secret. */
  | { kind: 'invalid' }
  /** Genuine but past its expiry. */
  | { kind: 'expired' }
  /** Genuine, but the run (or its report) is gone. */
  | { kind: 'missing' }

export interface RunPageDeps {
  database: Database
  clock: Clock
  links: LinkSigner
  publicUrl: string
}

/**
 * A run's page for whoever holds its signed link (the link is the credential, as for oversize
 * attachments): the report's title, the run's times, range and state, and signed links to its
 * outputs that expire with the page's own link, so following the page never extends it.
 */
export async function signedRunPage(
  deps: RunPageDeps,
  ref: SignedRunRef,
  expires: string | undefined,
  sig: string | undefined,
): Promise<RunPage> {
  const check = deps.links.checkRun(ref, expires, sig, deps.clock.now())
  if (check !== 'valid') return { kind: check }
  const db = deps.database.db
  const [found] = await db
    .select({ run: reportRuns, report: reports })
    .from(reportRuns)
    .innerJoin(reports, eq(reports.id, reportRuns.reportId))
    .where(and(eq(reportRuns.id, ref.runId), eq(reportRuns.org, ref.org)))
  if (!found) return { kind: 'missing' }
  const { run, report } = found
  const expiresAtMs = Number(expires) * 1000
  const files = await db
    .select({
      index: runOutputs.index,
      filename: runOutputs.filename,
      mediaType: runOutputs.mediaType,
      size: runOutputs.size,
    })
    .from(runOutputs)
    .where(eq(runOutputs.runId, run.id))
    .orderBy(asc(runOutputs.index))
  const parameters = (run.parameters ?? {}) as RunParameters
  const timeZone = parameters.timezone || zoneOfReport(report)
  return {
    kind: 'ok',
    view: {
      title: subjectOf(report),
      reportName: report.name,
      org: run.org,
      runId: run.id,
      state: run.state,
      trigger: run.trigger,
      timeZone,
      scheduledForMs: run.scheduledFor?.getTime() ?? null,
      createdAtMs: run.createdAt.getTime(),
      finishedAtMs: run.finishedAt?.getTime() ?? null,
      ranges: rangeLabels({ ...parameters, timezone: timeZone }),
      outputs: files.map((f) => ({
        filename: f.filename,
        mediaType: f.mediaType,
        size: f.size,
        url: deps.links.url(
          deps.publicUrl,
          { org: run.org, runId: run.id, index: f.index },
          expiresAtMs,
        ),
      })),
      expiresAtMs,
    },
  }
}
