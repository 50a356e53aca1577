import type { Logger } from 'pino'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { Database } from '../db/client.ts'
import type { ReportRow } from '../reports/queries.ts'
import type { RunParameters, RunRow } from '../runs/model.ts'
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
  links: LinkSigner
  settings: DeliverySettings
}

export interface DeliverRunInput {
  run: RunRow
  report: ReportRow
  parameters: RunParameters
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
