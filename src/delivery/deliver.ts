import { and, eq } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import { folders } from '../db/schema/index.ts'
import { parseMailbox } from '../lib/smtp-url.ts'
import {
  buildMessage,
  composeContent,
  type Envelope,
  encodedSize,
  type MailContext,
  type MessageContent,
  mailFor,
  messageIdFor,
  type PlannedFile,
  planFiles,
} from './compose.ts'
import type {
  DeliverRunInput,
  DeliveryDeps,
  DeliveryResult,
  DeliveryRow,
  DryRunResult,
} from './types.ts'

/**
 * How an SMTP failure counts. A 5xx reply is the server's final word on that recipient; a 4xx,
 * a refused or dropped connection, a timeout (and authentication/TLS trouble, which an operator
 * can fix while we wait) is worth retrying.
 */
export function classifySendError(err: unknown): { permanent: boolean; message: string } {
  const e = (err ?? {}) as { responseCode?: number; response?: string; code?: string }
  const message = String(e.response || (err as Error)?.message || err).trim()
  const code = e.responseCode
  const serverSide = e.code === 'EAUTH' || e.code === 'ETLS' || e.code === 'ENOAUTH'
  const permanent = typeof code === 'number' && code >= 500 && code < 600 && !serverSide
  return { permanent, message: message || 'Unknown delivery error' }
}

interface Prepared {
  content: MessageContent
  files: PlannedFile[]
  envelopeFrom: string
  size: number
}

async function folderName(database: Database, org: string, folderId: string): Promise<string> {
  const [row] = await database.db
    .select({ name: folders.name })
    .from(folders)
    .where(and(eq(folders.org, org), eq(folders.type, 'reports'), eq(folders.id, folderId)))
  return row?.name ?? folderId
}

/**
 * Composes the run's message once for all recipients. When it would exceed the size limit
 * (counted after base64), the largest files are swapped for signed links until it fits, and
 * all of them if even that is not enough.
 */
async function prepare(deps: DeliveryDeps, input: DeliverRunInput): Promise<Prepared> {
  const { settings } = deps
  const { run, report, parameters, outputs } = input
  const ctx: MailContext = {
    report,
    folderName: await folderName(deps.database, report.org, report.folderId),
    runId: run.id,
    parameters,
    runLink: runLink(deps, run),
  }
  const files = planFiles(report, outputs)
  const envelopeFrom = parseMailbox(settings.from)?.address ?? settings.from
  // Measured as one recipient's message; the others differ only in To and Message-ID.
  const probe = envelopeFor(deps, input, 'recipient@example.invalid')
  const measure = async (c: MessageContent) => (await buildMessage(mailFor(c, probe))).length
  let content = composeContent(ctx, files, new Map())
  let size = await measure(content)
  if (size > settings.maxMessageBytes && files.length > 0) {
    const expiresAtMs = deps.clock.now() + settings.linkTtlMs
    const linkOf = (f: PlannedFile) => ({
      url: deps.links.url(
        settings.publicUrl,
        { org: report.org, runId: run.id, index: f.output.index },
        expiresAtMs,
      ),
      expiresAtMs,
    })
    const linked = new Map<number, { url: string; expiresAtMs: number }>()
    let estimate = size
    for (const f of [...files].sort((a, b) => b.output.bytes.length - a.output.bytes.length)) {
      if (estimate <= settings.maxMessageBytes) break
      linked.set(f.output.index, linkOf(f))
      estimate -= encodedSize(f.output.bytes.length)
    }
    content = composeContent(ctx, files, linked)
    size = await measure(content)
    if (size > settings.maxMessageBytes) {
      for (const f of files) linked.set(f.output.index, linkOf(f))
      content = composeContent(ctx, files, linked)
      size = await measure(content)
    }
    deps.log.info(
      { runId: run.id, linked: [...linked.keys()], size, limit: settings.maxMessageBytes },
      'message over the size limit: large outputs sent as signed links',
    )
  }
  return { content, files, envelopeFrom, size }
}

/** The signed link to the run's page that its messages carry; valid as long as download links. */
export function runLink(
  deps: Pick<DeliveryDeps, 'clock' | 'links' | 'settings'>,
  run: { org: string; id: string },
): { url: string; expiresAtMs: number } {
  const expiresAtMs = deps.clock.now() + deps.settings.linkTtlMs
  const url = deps.links.runUrl(
    deps.settings.publicUrl,
    { org: run.org, runId: run.id },
    expiresAtMs,
  )
  return { url, expiresAtMs }
}

function envelopeFor(deps: DeliveryDeps, input: DeliverRunInput, to: string): Envelope {
  return {
    from: deps.settings.from,
    replyTo: deps.settings.replyTo,
    to,
    messageId: messageIdFor(input.run.id, to),
    date: new Date(deps.clock.now()),
    headers: { 'X-Herald-Report': input.report.id, 'X-Herald-Run': input.run.id },
  }
}

/** One SMTP attempt for a claimed row; a failure is recorded here, a success by the caller. */
async function attempt(
  deps: DeliveryDeps,
  input: DeliverRunInput,
  prepared: Prepared,
  row: DeliveryRow,
): Promise<{ id: string; messageId: string } | null> {
  const { clock, settings, log } = deps
  const envelope = envelopeFor(deps, input, row.recipient)
  const { messageId } = envelope
  if (row.possibleDuplicate) {
    log.warn(
      { runId: input.run.id, recipient: row.recipient, messageId },
      'sending again after an interrupted send: the recipient may get this message twice',
    )
  }
  try {
    const raw = await buildMessage(mailFor(prepared.content, envelope))
    await deps.mailer.send({ from: prepared.envelopeFrom, to: row.recipient, messageId, raw })
    return { id: row.id, messageId }
  } catch (err) {
    const { permanent, message } = classifySendError(err)
    const next = settings.backoffMs[row.attempts - 1]
    const retryAt = permanent || next === undefined ? null : clock.now() + next
    const error =
      !permanent && retryAt === null
        ? `${message} (gave up after ${row.attempts} attempts)`
        : message
    log.warn(
      { runId: input.run.id, recipient: row.recipient, permanent, retryAt, error },
      'delivery attempt failed',
    )
    await deps.ledger.markFailed(row.id, error, retryAt)
    return null
  }
}

/**
 * Sends to the due rows, claiming a batch at a time (a few round trips per batch instead of
 * per message). A message the server accepted is recorded after its batch; if the process dies
 * before that, the row stays `sending` and is resent, flagged, once its lease has expired.
 */
async function sendDue(
  deps: DeliveryDeps,
  input: DeliverRunInput,
  prepared: Prepared,
  due: DeliveryRow[],
): Promise<void> {
  const { ledger, clock, settings } = deps
  const batch = Math.max(1, settings.concurrency * 4)
  for (let i = 0; i < due.length && !input.signal?.aborted; i += batch) {
    const ids = due.slice(i, i + batch).map((r) => r.id)
    const claimed = await ledger.claim(ids, clock.now(), settings.sendLeaseMs)
    const sent: { id: string; messageId: string }[] = []
    const untried = new Set(claimed.map((r) => r.id))
    try {
      await eachLimit(claimed, settings.concurrency, async (row) => {
        if (input.signal?.aborted) return
        untried.delete(row.id)
        const ok = await attempt(deps, input, prepared, row)
        if (ok) sent.push(ok)
      })
    } finally {
      await ledger.markSent(sent, clock.now())
      await ledger.release([...untried])
    }
  }
}

/** Runs `fn` over `items`, at most `limit` at a time; the first failure is rethrown at the end. */
async function eachLimit<T>(items: T[], limit: number, fn: (t: T) => Promise<void>) {
  let next = 0
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) await fn(items[next++]!)
  })
  const results = await Promise.allSettled(lanes)
  const failed = results.find((r) => r.status === 'rejected')
  if (failed) throw (failed as PromiseRejectedResult).reason
}

/** Lower-cased, de-duplicated addresses in first-seen order. */
export function normalizeRecipients(addresses: string[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const a of addresses) {
    const r = a.trim().toLowerCase()
    if (r && !seen.has(r)) {
      seen.add(r)
      out.push(r)
    }
  }
  return out
}

/** Rows a pass may send now: pending and due, or `sending` whose holder vanished. */
export function isDue(row: DeliveryRow, nowMs: number): boolean {
  if (row.state === 'pending') return !row.nextAttemptAt || row.nextAttemptAt.getTime() <= nowMs
  if (row.state === 'sending') return !!row.leaseExpiresAt && row.leaseExpiresAt.getTime() < nowMs
  return false
}

/** Recipients of this run: the trigger's `destinations` when given, else the report's. */
export function recipientsOf(input: Pick<DeliverRunInput, 'report' | 'parameters'>): string[] {
  const fromReport = (input.report.destinations as { email: string }[]).map((d) => d.email)
  return normalizeRecipients(input.parameters.destinations ?? fromReport)
}

async function dryRun(
  deps: DeliveryDeps,
  input: DeliverRunInput,
  recipients: string[],
): Promise<DeliveryResult> {
  const prepared = await prepare(deps, input)
  const linked = new Set(prepared.content.linked.map((l) => l.file.output.index))
  const result: DryRunResult = {
    subject: prepared.content.subject,
    from: deps.settings.from,
    reply_to: deps.settings.replyTo ?? null,
    size: prepared.size,
    files: prepared.files.map((f) => ({
      filename: f.filename,
      media_type: f.contentType,
      size: f.output.bytes.length,
      disposition: linked.has(f.output.index) ? 'link' : f.disposition,
    })),
    recipients: recipients.map((r) => ({
      recipient: r,
      message_id: messageIdFor(input.run.id, r),
    })),
  }
  return { kind: 'dry_run', dryRun: result }
}

/**
 * Delivers one run by email: one message per recipient, each tracked in the ledger. Sends only
 * what is due (pending, or a `sending` row whose lease expired after a crash), never a recipient
 * already `sent`. Returns the ledger as it stands afterwards (or the dry run's messages); what
 * that means for the run — done, partly failed, waiting to retry — is for runs/ to say.
 */
export async function deliverRun(
  deps: DeliveryDeps,
  input: DeliverRunInput,
): Promise<DeliveryResult> {
  const recipients = recipientsOf(input)
  if (input.parameters.dry_run) return dryRun(deps, input, recipients)
  const rows = await deps.ledger.ensure(input.run.id, recipients)
  if (rows.length === 0) return { kind: 'sent', deliveries: [] }
  const due = rows.filter((r) => isDue(r, deps.clock.now()))
  if (due.length > 0) {
    await sendDue(deps, input, await prepare(deps, input), due)
  }
  return { kind: 'sent', deliveries: await deps.ledger.list(input.run.id) }
}
