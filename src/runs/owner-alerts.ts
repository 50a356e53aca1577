import { and, asc, eq, gt, inArray } from 'drizzle-orm'
import { DateTime } from 'luxon'
import { auditLog, ownerAlerts, reportRuns, reports } from '../db/schema/index.ts'
import { buildMessage, expiryLabel, subjectOf } from '../delivery/compose.ts'
import { runLink } from '../delivery/deliver.ts'
import type { DeliveryDeps } from '../delivery/types.ts'
import { escapeHtml } from '../lib/html.ts'
import { parseMailbox } from '../lib/smtp-url.ts'
import { RUN_DONE_CHANNEL } from './model.ts'
import { zoneOfReport } from './params.ts'

const DAY_MS = 24 * 60 * 60 * 1000

/** A recipient who did not get the report is as much the owner's business as a failed render. */
const ALERTING_STATES = ['failed', 'partially_failed'] as const
const isAlerting = (state: string) => (ALERTING_STATES as readonly string[]).includes(state)

/** How far back a sweep looks past the previous one: covers commits that landed late. */
const MARGIN_MS = 5 * 60_000

export interface OwnerAlertsOptions {
  /** How often to look for newly failed scheduled runs. */
  intervalMs?: number
}

/**
 * Mails a report's owner when a scheduled run of it fails for good: at most once per report per
 * calendar day (in the report's timezone). Every process with a worker looks for such runs
 * (a sweep on a timer, and at once when a run-finished notification names one); the
 * `owner_alerts` row is the claim, so only the process that inserts it sends.
 */
export class OwnerAlerts {
  private unlisten: (() => Promise<void>) | undefined
  private timer: NodeJS.Timeout | undefined
  private readonly inflight = new Set<Promise<unknown>>()
  /** Failed runs finished after this were not all looked at yet. */
  private since: number | undefined
  /** Runs this process already handled within the sweep margin. */
  private readonly seen = new Map<string, number>()
  private readonly intervalMs: number

  constructor(
    private readonly deps: DeliveryDeps,
    opts: OwnerAlertsOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 60_000
  }

  async start(): Promise<void> {
    this.unlisten = await this.deps.database.listen(RUN_DONE_CHANNEL, (runId) => {
      this.track(this.handle(runId))
    })
    // Includes failures that finished while no process was running.
    this.track(this.sweep())
    this.timer = setInterval(() => this.track(this.sweep()), this.intervalMs)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    clearInterval(this.timer)
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

  /** Alerts for scheduled runs that failed since the last sweep; returns how many were sent. */
  async sweep(): Promise<number> {
    const now = this.deps.clock.now()
    const from = Math.max(now - DAY_MS, (this.since ?? 0) - MARGIN_MS)
    const rows = await this.deps.database.db
      .select({ id: reportRuns.id, finishedAt: reportRuns.finishedAt })
      .from(reportRuns)
      .where(
        and(
          inArray(reportRuns.state, ALERTING_STATES),
          eq(reportRuns.trigger, 'schedule'),
          gt(reportRuns.finishedAt, new Date(from)),
        ),
      )
      .orderBy(asc(reportRuns.finishedAt))
      .limit(10_000)
    this.since = now
    for (const [id, at] of this.seen) if (at < from) this.seen.delete(id)
    let sent = 0
    for (const r of rows) {
      if (this.seen.has(r.id)) continue
      this.seen.set(r.id, r.finishedAt?.getTime() ?? now)
      if (await this.handle(r.id)) sent++
    }
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
    if (run.trigger !== 'schedule' || !isAlerting(run.state)) return false
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

    const partly = run.state === 'partially_failed'
    const subject = partly
      ? `Report “${subjectOf(report)}” failed for some recipients`
      : `Report “${subjectOf(report)}” failed`
    const { url: link, expiresAtMs } = runLink(this.deps, run)
    const until = expiryLabel(expiresAtMs, zone)
    const error = run.error ?? 'The run failed'
    const why =
      'You receive this because you own this report. Herald sends at most one such email ' +
      'per report per day.'
    const messageId = `<alert.${report.id}.${day}@herald>`
    const what = partly
      ? `The scheduled run of “${subjectOf(report)}” (${report.name}) reached some recipients but not all.`
      : `The scheduled run of “${subjectOf(report)}” (${report.name}) failed.`
    try {
      const raw = await buildMessage({
        from: settings.from,
        replyTo: settings.replyTo,
        to: owner.address,
        subject,
        messageId,
        date: new Date(clock.now()),
        text: `${what}\n\n${error}\n\nRun: ${link}\n(the link works until ${until})\n\n--\n${why}\n`,
        html:
          `<p>${escapeHtml(what)}</p>` +
          `<pre style="white-space:pre-wrap">${escapeHtml(error)}</pre>` +
          `<p><a href="${escapeHtml(link)}">View the run</a> ` +
          `<span style="color:#777">— the link works until ${escapeHtml(until)}</span></p>` +
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
