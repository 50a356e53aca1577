/**
 * Email delivery: given a run's outputs and recipients, compose one message per recipient, send
 * it, and say what happened to each (or, for a dry run, what would have been sent). It records
 * attempts through the ledger port runs/ hands it and knows nothing of runs' tables or states;
 * runs/outcome.ts turns the result into the run's outcome.
 */

export { parseSmtpUrl, type SmtpSettings } from '../lib/smtp-url.ts'
export {
  buildMessage,
  messageIdFor,
  planFiles,
  sanitizeFileStem,
} from './compose.ts'
export { classifySendError, deliverRun, isDue, normalizeRecipients, runLink } from './deliver.ts'
export { DOWNLOAD_PREFIX, LinkSigner } from './links.ts'
export { createMailer, type Mailer, type OutgoingMessage } from './mailer.ts'
export {
  DEFAULT_BACKOFF_MS,
  type DeliverRunInput,
  type DeliveryDeps,
  type DeliveryLedger,
  type DeliveryOutput,
  type DeliveryResult,
  type DeliveryRow,
  type DeliverySettings,
  type DryRunResult,
  deliverySettings,
} from './types.ts'
