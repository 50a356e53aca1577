import { and, asc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm'
import type { Database, Executor } from '../../db/client.ts'
import { deliveries } from '../../db/schema/index.ts'
import type { DeliveryLedger, DeliveryRow } from '../../delivery/types.ts'
import { newId } from '../../lib/ids.ts'

export type { DeliveryRow }

/**
 * The delivery ledger: one row per (run, recipient). Every state change is a conditional UPDATE,
 * so two processes can never both hold the same recipient, and a row that reached `sent` is
 * never sent again. The states are described with DeliveryRow in delivery/types.ts.
 */

/** The ledger as delivery asks for it (delivery never touches the table itself). */
export function deliveryLedger(database: Database): DeliveryLedger {
  return {
    ensure: (runId, recipients) => ensureDeliveries(database, runId, recipients),
    list: (runId) => deliveriesOf(database, runId),
    claim: (ids, nowMs, leaseMs) => claimDeliveries(database, ids, nowMs, leaseMs),
    markSent: (sent, nowMs) => markSent(database, sent, nowMs),
    markFailed: (id, error, retryAtMs) => markFailed(database, id, error, retryAtMs),
    release: (ids) => releaseClaims(database, ids),
  }
}

export async function deliveriesOf(database: Database, runId: string): Promise<DeliveryRow[]> {
  return database.db
    .select()
    .from(deliveries)
    .where(eq(deliveries.runId, runId))
    .orderBy(asc(deliveries.recipient))
}

/**
 * The run's ledger, created on its first delivery pass. The recipient list is fixed then: a
 * later pass (a retry, a crash recovery) never adds people the report gained in the meantime.
 */
export async function ensureDeliveries(
  database: Database,
  runId: string,
  recipients: string[],
): Promise<DeliveryRow[]> {
  const existing = await deliveriesOf(database, runId)
  if (existing.length > 0 || recipients.length === 0) return existing
  await database.db
    .insert(deliveries)
    .values(
      recipients.map((recipient) => ({ id: newId(), runId, recipient, state: 'pending' as const })),
    )
    .onConflictDoNothing()
  return deliveriesOf(database, runId)
}

/**
 * Takes rows for sending, atomically; returns those this caller got. A row found in `sending`
 * had its lease expire: the process that held it died somewhere around the SMTP call, so this
 * send may be a duplicate and the row says so.
 */
export async function claimDeliveries(
  database: Database,
  ids: string[],
  nowMs: number,
  leaseMs: number,
): Promise<DeliveryRow[]> {
  if (ids.length === 0) return []
  const now = new Date(nowMs)
  return database.db
    .update(deliveries)
    .set({
      state: 'sending',
      attempts: sql`${deliveries.attempts} + 1`,
      possibleDuplicate: sql`${deliveries.possibleDuplicate} or ${deliveries.state} = 'sending'`,
      leaseExpiresAt: new Date(nowMs + leaseMs),
      nextAttemptAt: null,
    })
    .where(
      and(
        inArray(deliveries.id, ids),
        or(
          and(
            eq(deliveries.state, 'pending'),
            or(isNull(deliveries.nextAttemptAt), lte(deliveries.nextAttemptAt, now)),
          ),
          and(eq(deliveries.state, 'sending'), lt(deliveries.leaseExpiresAt, now)),
        ),
      ),
    )
    .returning()
}

const held = (id: string) => and(eq(deliveries.id, id), eq(deliveries.state, 'sending'))

/** Records accepted messages, many rows per statement. */
export async function markSent(
  database: Database,
  sent: { id: string; messageId: string }[],
  nowMs: number,
): Promise<void> {
  if (sent.length === 0) return
  const values = sql.join(
    sent.map((s) => sql`(${s.id}, ${s.messageId})`),
    sql`, `,
  )
  await database.rows(sql`
    update ${deliveries}
    set state = 'sent', message_id = v.mid, sent_at = ${new Date(nowMs).toISOString()}::timestamptz,
        last_error = null, lease_expires_at = null
    from (values ${values}) as v (id, mid)
    where ${deliveries.id} = v.id and ${deliveries.state} = 'sending'`)
}

/** Claimed rows that were never attempted (the run was stopped) go back, unflagged. */
export async function releaseClaims(database: Database, ids: string[]): Promise<void> {
  if (ids.length === 0) return
  await database.db
    .update(deliveries)
    .set({
      state: 'pending',
      attempts: sql`${deliveries.attempts} - 1`,
      leaseExpiresAt: null,
    })
    .where(and(inArray(deliveries.id, ids), eq(deliveries.state, 'sending')))
}

/** A failed attempt: back to `pending` until `retryAtMs`, or `failed` for good when null. */
export async function markFailed(
  database: Database,
  id: string,
  error: string,
  retryAtMs: number | null,
): Promise<void> {
  await database.db
    .update(deliveries)
    .set({
      state: retryAtMs === null ? 'failed' : 'pending',
      lastError: error.slice(0, 2000),
      nextAttemptAt: retryAtMs === null ? null : new Date(retryAtMs),
      leaseExpiresAt: null,
    })
    .where(held(id))
}

/** Failed rows back to `pending` with a fresh budget of attempts; returns their recipients. */
export async function resetFailed(tx: Executor, runId: string): Promise<string[]> {
  const rows = await tx
    .update(deliveries)
    .set({ state: 'pending', attempts: 0, nextAttemptAt: null, leaseExpiresAt: null })
    .where(and(eq(deliveries.runId, runId), eq(deliveries.state, 'failed')))
    .returning({ recipient: deliveries.recipient })
  return rows.map((r) => r.recipient).sort()
}
