import type { Logger } from 'pino'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { Database } from '../db/client.ts'
import type { deliveries } from '../db/schema/index.ts'
import type { ReportRow } from '../reports/queries.ts'
import type { LinkSigner } from './links.ts'
import type { Mailer } from './mailer.ts'

/** One rendered file of a run (a `run_outputs` row), as delivery needs it. */
export interface DeliveryOutput {
  index: number
  /** Index into the report's `dashboards` of the dashboard it was rendered from. */
  dashboard: number | null
  mediaType: string
  filename: string
  bytes: Buffer
}

export interface DeliverySettings {
  from: string
  replyTo: string | undefined
  /** Base of links in messages (the run, signed downloads). */
  publicUrl: string
  /** A message above this, counted after base64, goes out with links instead of attachments. */
  maxMessageBytes: number
  /** How long a signed download link stays valid. */
  linkTtlMs: number
  /** Waits before each retry of a recipient after a transient failure; then it fails for good. */
  backoffMs: number[]
  /** How long a `sending` row is held; after a crash it is retried only once this has passed. */
  sendLeaseMs: number
  /** Messages in flight at once for one run (the SMTP pool's size is the real limit). */
  concurrency: number
}

export interface DeliveryDeps {
  database: Database
  clock: Clock
  log: Logger
  mailer: Mailer
  ledger: DeliveryLedger
  links: LinkSigner
  settings: DeliverySettings
}

/** The run being delivered, as delivery sees it: which org, and the id its messages carry. */
export interface DeliveryRun {
  id: string
  org: string
}

/** What of a run's resolved parameters delivery reads. */
export interface DeliveryParameters {
  timezone: string
  /** One entry per dashboard of the report, in order. */
  ranges?: { from: string; to: string }[]
  /** The trigger's recipients, instead of the report's. */
  destinations?: string[]
  /** Compose the messages but send none. */
  dry_run?: boolean
}

/** The messages a dry run composed, recorded on the run instead of being sent. */
export interface DryRunResult {
  subject: string
  from: string
  reply_to: string | null
  /** Size of one encoded message, bytes. */
  size: number
  files: {
    filename: string
    media_type: string
    size: number
    disposition: 'attachment' | 'inline' | 'link'
  }[]
  recipients: { recipient: string; message_id: string }[]
}

/**
 * One row of the delivery ledger: one (run, recipient). States: `pending` (to send; after a
 * transient failure it waits for `next_attempt_at`), `sending` (claimed, with a lease), `sent`,
 * `failed` (for good: a permanent SMTP reply or out of attempts).
 */
export type DeliveryRow = typeof deliveries.$inferSelect

/**
 * The ledger delivery records each attempt in. Run state, deliveries included, is written only
 * by runs/ (its store implements this); delivery asks for each change by name, so it can be
 * tested and reasoned about without knowing the tables.
 */
export interface DeliveryLedger {
  /** The run's rows, creating them on the first pass; the recipient list is fixed then. */
  ensure(runId: string, recipients: string[]): Promise<DeliveryRow[]>
  list(runId: string): Promise<DeliveryRow[]>
  /** Takes rows for sending; returns those this caller got. */
  claim(ids: string[], nowMs: number, leaseMs: number): Promise<DeliveryRow[]>
  markSent(sent: { id: string; messageId: string }[], nowMs: number): Promise<void>
  /** Back to `pending` until `retryAtMs`, or `failed` for good when null. */
  markFailed(id: string, error: string, retryAtMs: number | null): Promise<void>
  /** Claimed rows never attempted go back, unflagged. */
  release(ids: string[]): Promise<void>
}

/** What a delivery pass did: the dry run's composed messages, or the ledger after sending. */
export type DeliveryResult =
  | { kind: 'dry_run'; dryRun: DryRunResult }
  | { kind: 'sent'; deliveries: DeliveryRow[] }

export interface DeliverRunInput {
  run: DeliveryRun
  report: ReportRow
  parameters: DeliveryParameters
  outputs: DeliveryOutput[]
  /** Stop starting new sends when aborted (lease lost, shutdown). */
  signal?: AbortSignal
}

export const DEFAULT_BACKOFF_MS = [30_000, 120_000, 480_000, 1_800_000]
const DAY_MS = 24 * 60 * 60 * 1000

/** Delivery settings from config: links outlive neither the outputs nor a week. */
export function deliverySettings(
  config: Pick<
    Config,
    'smtpFrom' | 'smtpReplyTo' | 'publicUrl' | 'maxAttachmentBytes' | 'retentionDays'
  > &
    Partial<Pick<Config, 'deliveryBackoffMs'>>,
): DeliverySettings {
  return {
    from: config.smtpFrom,
    replyTo: config.smtpReplyTo,
    publicUrl: config.publicUrl,
    maxMessageBytes: config.maxAttachmentBytes,
    linkTtlMs: Math.min(7, config.retentionDays) * DAY_MS,
    backoffMs: config.deliveryBackoffMs ?? DEFAULT_BACKOFF_MS,
    sendLeaseMs: 5 * 60_000,
    concurrency: 8,
  }
}
