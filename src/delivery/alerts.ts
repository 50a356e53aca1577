import { and, desc, eq, gt } from 'drizzle-orm'
import { DateTime } from 'luxon'
import { auditLog, ownerAlerts, reportRuns, reports } from '../db/schema/index.ts'
import { RUN_DONE_CHANNEL } from '../runs/model.ts'
import { zoneOfReport } from '../runs/params.ts'
import { buildMessage, escapeHtml, runUrl, subjectOf } from './compose.ts'
import { parseMailbox } from './smtp-url.ts'
import type { DeliveryDeps } from './types.ts'

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * Mails a report's owner when a scheduled run of it fails for good: at most once per report per
 * calendar day (in the report's timezone). Every process with a worker listens for finished
 * runs; the `owner_alerts` row is the claim, so only the process that inserts it sends.
 */
export class OwnerAlerts {
  private unlisten: (() => Promise<void>) | undefined
  private readonly inflight = new Set<Promise<unknown>>()

  constructor(private readonly deps: DeliveryDeps) {}

  async start(): Promise<void> {
    this.unlisten = await this.deps.database.listen(RUN_DONE_CHANNEL, (runId) => {
      this.track(this.handle(runId))
    })
    // Failures that finished while no process was listening.
    this.track(this.sweep())
  }

  async stop(): Promise<void> {
    await this.unlisten?.()
    this.unlisten = undefined
    await this.idle()
  }

  /** Resolves when no alert is being handled (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size) await Promise.allSettled([...this.inflight])
  }

  private track(p: Promise<unknown>): void {
    const guarded = p.catch((err) => this.deps.log.warn({ err }, 'owner alert failed'))
    this.inflight.add(guarded)
    void guarded.finally(() => this.inflight.delete(guarded))
  }

  /** The latest failed scheduled run of each report in the last day, alerted if not yet. */
  async sweep(): Promise<number> {
    const since = new Date(this.deps.clock.now() - DAY_MS)
    const rows = await this.deps.database.db
      .selectDistinctOn([reportRuns.reportId], { id: reportRuns.id })
      .from(reportRuns)
      .where(
        and(
          eq(reportRuns.trigger, 'schedule'),
          eq(reportRuns.state, 'failed'),
          gt(reportRuns.finishedAt, since),
        ),
      )
      .orderBy(reportRuns.reportId, desc(reportRuns.finishedAt))
      .limit(1000)
    let sent = 0
    for (const r of rows) if (await this.handle(r.id)) sent++
    return sent
  }

  /** Alerts the owner about this run if it is a final scheduled failure; true when mailed. */
  async handle(runId: string): Promise<boolean> {
    const { database, clock, settings, mailer, log } = this.deps
    const [found] = await database.db
      .select({ run: reportRuns, report: reports })
      .from(reportRuns)
      .innerJoin(reports, eq(reports.id, reportRuns.reportId))
      .where(eq(reportRuns.id, runId))
    if (!found) return false
    const { run, report } = found
    if (run.trigger !== 'schedule' || run.state !== 'failed') return false
    const owner = parseMailbox(report.owner)
    if (!owner) return false
    const zone = zoneOfReport(report)
    const day = DateTime.fromMillis(run.finishedAt?.getTime() ?? clock.now(), { zone }).toISODate()!
    const claimed = await database.db
      .insert(ownerAlerts)
      .values({
        reportId: report.id,
        day,
        runId,
        recipient: owner.address,
        createdAt: new Date(clock.now()),
      })
      .onConflictDoNothing()
      .returning({ day: ownerAlerts.day })
    if (claimed.length === 0) return false

    const subject = `Report “${subjectOf(report)}” failed`
    const link = runUrl(settings.publicUrl, report, run.id)
    const error = run.error ?? 'The run failed'
    const why =
      'You receive this because you own this report. Herald sends at most one such email ' +
      'per report per day.'
    const messageId = `<alert.${report.id}.${day}@herald>`
    const what = `The scheduled run of “${subjectOf(report)}” (${report.name}) failed.`
    try {
      const raw = await buildMessage({
        from: settings.from,
        replyTo: settings.replyTo,
        to: owner.address,
        subject,
        messageId,
        date: new Date(clock.now()),
        text: `${what}\n\n${error}\n\nRun: ${link}\n\n--\n${why}\n`,
        html:
          `<p>${escapeHtml(what)}</p>` +
          `<pre style="white-space:pre-wrap">${escapeHtml(error)}</pre>` +
          `<p><a href="${escapeHtml(link)}">View the run</a></p>` +
          `<p style="font-size:12px;color:#777">${escapeHtml(why)}</p>`,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Herald-Run': run.id },
        disableFileAccess: true,
        disableUrlAccess: true,
      })
      const from = parseMailbox(settings.from)?.address ?? settings.from
      await mailer.send({ from, to: owner.address, messageId, raw })
    } catch (err) {
      // Give the claim back: a later failure today may try again.
      await database.db
        .delete(ownerAlerts)
        .where(
          and(
            eq(ownerAlerts.reportId, report.id),
            eq(ownerAlerts.day, day),
            eq(ownerAlerts.runId, runId),
          ),
        )
      log.warn({ err, runId, owner: owner.address }, 'could not mail the failure alert')
      return false
    }
    await database.db.insert(auditLog).values({
      org: report.org,
      actor: 'herald',
      action: 'report.failure_alert',
      target: `report:${report.id}`,
      details: { runId, recipient: owner.address, day },
    })
    log.info({ runId, reportId: report.id, owner: owner.address }, 'failure alert sent to owner')
    return true
  }
}
