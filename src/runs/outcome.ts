import type { DeliveryResult, DeliveryRow } from '../delivery/types.ts'
import type { RunResult } from './executor.ts'

function summarize(rows: DeliveryRow[]): string {
  const shown = rows.slice(0, 3).map((r) => `${r.recipient}: ${r.lastError ?? 'failed'}`)
  const more = rows.length > 3 ? `; and ${rows.length - 3} more` : ''
  return `${shown.join('; ')}${more}`
}

/**
 * The run's state from its delivery ledger: waiting while any recipient backs off (so the worker
 * comes back then without counting a new attempt), else succeeded, partially failed or failed.
 */
export function outcomeOf(rows: DeliveryRow[], nowMs: number): RunResult {
  const waiting = rows.filter((r) => r.state === 'pending' || r.state === 'sending')
  if (waiting.length) {
    const at = Math.min(
      ...waiting.map((r) =>
        r.state === 'pending'
          ? (r.nextAttemptAt?.getTime() ?? nowMs)
          : (r.leaseExpiresAt?.getTime() ?? nowMs) + 1,
      ),
    )
    const reason = waiting.find((r) => r.lastError)?.lastError
    const error = `${waiting.length} of ${rows.length} recipient(s) waiting to retry`
    return {
      state: 'retry',
      retryAt: Math.max(at, nowMs),
      error: reason ? `${error}: ${reason}` : error,
    }
  }
  const failed = rows.filter((r) => r.state === 'failed')
  if (failed.length === 0) return { state: 'succeeded' }
  if (failed.length < rows.length) {
    return {
      state: 'partially_failed',
      error: `${failed.length} of ${rows.length} recipient(s) failed: ${summarize(failed)}`,
    }
  }
  return {
    state: 'failed',
    error: `Delivery failed for all ${rows.length} recipient(s): ${summarize(failed)}`,
  }
}

/** What a delivery pass means for its run. */
export function runResultOf(result: DeliveryResult, nowMs: number): RunResult {
  if (result.kind === 'dry_run') return { state: 'succeeded', dryRun: result.dryRun }
  return outcomeOf(result.deliveries, nowMs)
}
