/**
 * Email delivery. The run executor renders a run's outputs, stores them in `run_outputs`, then
 * calls `deliverRun(deps, { run, report, parameters, outputs })` and returns its result.
 */

export { parseSmtpUrl, type SmtpSettings } from '../lib/smtp-url.ts'
export { deliveriesOf } from '../runs/store/deliveries.ts'
export { OwnerAlerts } from './alerts.ts'
export {
  buildMessage,
  messageIdFor,
  planFiles,
  sanitizeFileStem,
} from './compose.ts'
export {
  classifySendError,
  createDeliveryExecutor,
  deliverRun,
  loadRunOutputs,
  outcomeOf,
} from './deliver.ts'
export { getRunOutput, getSignedRunOutput, type OutputFile } from './downloads.ts'
export { DOWNLOAD_PREFIX, LinkSigner } from './links.ts'
export { createMailer, type Mailer, type OutgoingMessage } from './mailer.ts'
export { retryFailedDeliveries } from './retry.ts'
export { type RunPage, type RunView, signedRunPage } from './run-page.ts'
export {
  DEFAULT_BACKOFF_MS,
  type DeliverRunInput,
  type DeliveryDeps,
  type DeliveryOutput,
  type DeliverySettings,
  deliverySettings,
} from './types.ts'
