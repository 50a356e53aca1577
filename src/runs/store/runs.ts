import { and, eq, gt, lt, type SQL, type SQLWrapper, sql } from 'drizzle-orm'
import type { Database, Executor } from '../../db/client.ts'
import { rowMapper } from '../../db/row-mapper.ts'
import { reportRuns, reports } from '../../db/schema/index.ts'
import type { ReportRow } from '../../reports/queries.ts'
import { RUN_DONE_CHANNEL, type RunParameters, type RunRow, type RunTrigger } from '../model.ts'

/**
 * Every statement that moves a run (`report_runs`): the one place to read to know what can take
 * a run from one state to another. States: `queued` → `running` (claim) → `succeeded` |
 * `partially_failed` | `failed`, or back to `queued` (retry, expired or lost lease, redelivery);
 * `queued` → `cancelled`; a lookahead run queued ahead of its slot may be discarded.
 *
 * Two styles. The worker's hot statements (claim, renew, finish) are fixed SQL texts run through
 * `database.query`, which postgres.js prepares once per connection (ADR 0002); the rest use the
 * drizzle query builder. The scheduler's bulk insert runs inside its transaction, where only
 * drizzle can go, as one `jsonb_to_recordset` statement.
 */

const RUN_COLUMNS = rowMapper(reportRuns, 'c', 'run')
const REPORT_COLUMNS = rowMapper(reports, 'r', 'report')

/** A run to queue: a trigger's (no slot) or the scheduler's (a slot, maybe ahead of now). */
export interface QueuedRun {
  id: string
  org: string
  reportId: string
  trigger: RunTrigger
  parameters: RunParameters | Record<string, never>
  /** The slot a scheduled run is for; it starts then, or now if the slot has passed. */
  scheduledFor?: string | null
  skippedSlots?: number
  /** The user or token that asked for a triggered run. */
  requestedBy?: string | null
}

/**
 * Queues runs, many per statement. A second run for a slot that already has one is dropped (the
 * slot unique index, ADR 0001): returns the rows actually inserted.
 */
export async function insertQueuedRuns(
  tx: Executor,
  runs: QueuedRun[],
  nowMs: number,
): Promise<RunRow[]> {
  if (runs.length === 0) return []
  const now = new Date(nowMs).toISOString()
  const json = JSON.stringify(
    runs.map((r) => ({
      id: r.id,
      org: r.org,
      report_id: r.reportId,
      trigger: r.trigger,
      parameters: r.parameters,
      scheduled_for: r.scheduledFor ?? null,
      skipped: r.skippedSlots ?? 0,
      requested_by: r.requestedBy ?? null,
    })),
  )
  const result = await tx.execute(sql`
    insert into report_runs as c (id, org, report_id, trigger, state, scheduled_for, skipped_slots,
                                  parameters, requested_by, run_after, created_at, updated_at)
    select x.id, x.org, x.report_id, x.trigger, 'queued', x.scheduled_for, x.skipped, x.parameters,
           x.requested_by,
           greatest(coalesce(x.scheduled_for, ${now}::timestamptz), ${now}::timestamptz),
           ${now}::timestamptz, ${now}::timestamptz
    from jsonb_to_recordset(${json}::jsonb)
         as x(id text, org text, report_id text, trigger text, parameters jsonb,
              scheduled_for timestamptz, skipped int, requested_by text)
    on conflict (report_id, scheduled_for) where trigger = 'schedule' do nothing
    returning ${sql.raw(RUN_COLUMNS.select)}`)
  const rows = Array.isArray(result)
    ? (result as Record<string, unknown>[])
    : ((result as { rows?: Record<string, unknown>[] }).rows ?? [])
  return rows.map((raw) => RUN_COLUMNS.map(raw) as RunRow)
}

/** A run that was carried out as it was asked for (seed 000's synchronous run): history only. */
export interface CompletedRun {
  id: string
  org: string
  reportId: string
  trigger: RunTrigger
  parameters: RunParameters
  state: 'succeeded' | 'failed'
  error: string | null
  requestedBy: string | null
  startedMs: number
  finishedMs: number
}

/**
 * Records a run no worker ever held: it went from asked to finished inside one request, so it
 * is written once, already final (nothing to claim, lease or retry).
 */
export async function insertCompletedRun(tx: Executor, run: CompletedRun): Promise<RunRow> {
  const started = new Date(run.startedMs)
  const finished = new Date(run.finishedMs)
  const [row] = await tx
    .insert(reportRuns)
    .values({
      id: run.id,
      org: run.org,
      reportId: run.reportId,
      trigger: run.trigger,
      state: run.state,
      parameters: run.parameters,
      runAfter: started,
      createdAt: started,
      updatedAt: finished,
      startedAt: started,
      finishedAt: finished,
      error: run.error,
      requestedBy: run.requestedBy,
    })
    .returning()
  return row!
}

/** $1 worker id, $2 lease expiry, $3 now, $4 how many. */
const CLAIM_SQL = `
  with claimed as (
    update report_runs
    set state = 'running', lease_owner = $1, lease_expires_at = $2::timestamptz,
        started_at = coalesce(started_at, $3::timestamptz), updated_at = $3::timestamptz
    where id = any(array(
      select id from report_runs
      where state = 'queued' and run_after <= $3::timestamptz
      order by run_after limit $4::int for update skip locked))
    returning *)
  select ${RUN_COLUMNS.select}, ${REPORT_COLUMNS.select}
  from claimed c left join reports r on r.id = c.report_id`

/**
 * Leases up to `limit` due runs to `workerId` and reads their reports in the same statement
 * (one round trip: a burst claims thousands). A report deleted meanwhile comes back null.
 * Runs are found by primary key (`= any(array(…))`): `in (subquery)` is planned as a hash
 * semi-join over a scan of the whole run history.
 */
export async function claimRuns(
  database: Database,
  workerId: string,
  nowMs: number,
  leaseMs: number,
  limit: number,
): Promise<{ run: RunRow; report: ReportRow | null }[]> {
  const rows = await database.query<Record<string, unknown>>(CLAIM_SQL, [
    workerId,
    new Date(nowMs + leaseMs).toISOString(),
    new Date(nowMs).toISOString(),
    limit,
  ])
  return rows.map((raw) => ({
    run: RUN_COLUMNS.map(raw) as RunRow,
    report: REPORT_COLUMNS.map(raw),
  }))
}

/** $1 run, $2 worker, $3 new expiry. */
const RENEW_SQL = `
  update report_runs set lease_expires_at = $3::timestamptz
  where id = $1 and lease_owner = $2 and state = 'running'
  returning id`

/** Extends a lease; false when the run is no longer this worker's (it must stop). */
export async function renewLease(
  database: Database,
  runId: string,
  workerId: string,
  untilMs: number,
): Promise<boolean> {
  const rows = await database.query(RENEW_SQL, [runId, workerId, new Date(untilMs).toISOString()])
  return rows.length > 0
}

/**
 * Runs leased to `workerId` that it does not hold (a claim whose reply was lost) go back to the
 * queue at once, as the attempt they were: they never started. Returns how many.
 */
export async function requeueLostClaims(
  database: Database,
  workerId: string,
  held: Iterable<string>,
  nowMs: number,
): Promise<number> {
  const now = new Date(nowMs)
  const rows = await database.db
    .update(reportRuns)
    .set({
      state: 'queued',
      leaseOwner: null,
      leaseExpiresAt: null,
      runAfter: now,
      startedAt: sql`case when ${reportRuns.attempt} = 1 then null else ${reportRuns.startedAt} end`,
      updatedAt: now,
    })
    .where(
      and(
        eq(reportRuns.state, 'running'),
        eq(reportRuns.leaseOwner, workerId),
        sql`not (${reportRuns.id} = any(${`{${[...held].join(',')}}`}::text[]))`,
      ),
    )
    .returning({ id: reportRuns.id })
  return rows.length
}

/**
 * Runs whose worker vanished (lease expired) go back to the queue with attempt + 1, or fail
 * once at `maxAttempt`. At most 1000 a call, skipping rows another reaper holds.
 */
export async function reapExpiredRuns(
  database: Database,
  nowMs: number,
  maxAttempt: number,
): Promise<{ id: string; state: RunRow['state'] }[]> {
  const now = new Date(nowMs)
  const db = database.db
  const expired = db
    .select({ id: reportRuns.id })
    .from(reportRuns)
    .where(and(eq(reportRuns.state, 'running'), lt(reportRuns.leaseExpiresAt, now)))
    .limit(1000)
    .for('update', { skipLocked: true })
  return db
    .update(reportRuns)
    .set({
      state: sql`case when ${reportRuns.attempt} >= ${maxAttempt} then 'failed' else 'queued' end`,
      attempt: sql`case when ${reportRuns.attempt} >= ${maxAttempt} then ${reportRuns.attempt} else ${reportRuns.attempt} + 1 end`,
      error: 'The worker running this report stopped before finishing (lease expired)',
      finishedAt: sql`case when ${reportRuns.attempt} >= ${maxAttempt} then ${now.toISOString()}::timestamptz else null end`,
      runAfter: now,
      leaseOwner: null,
      leaseExpiresAt: null,
      updatedAt: now,
    })
    .where(idIn(expired))
    .returning({ id: reportRuns.id, state: reportRuns.state })
}

/**
 * `id = any(array(subquery))`: PostgreSQL plans `id in (subquery)` as a hash semi-join over a
 * sequential scan of report_runs, so every reap would read the whole run history.
 */
function idIn(ids: SQLWrapper): SQL {
  return sql`${reportRuns.id} = any(array(${ids}))`
}

/** One run's recorded outcome: final, or queued again (`run_after` set, `finished_at` null). */
export interface FinishedRun {
  id: string
  parameters: RunParameters | null
  state: RunRow['state']
  error: string | null
  attempt: number
  run_after: string | null
  finished_at: string | null
}

/** $1 outcomes (jsonb array of FinishedRun), $2 worker, $3 now. */
const FINISH_SQL = `
  update report_runs r
  set state = x.state, error = x.error, attempt = x.attempt,
      run_after = coalesce(x.run_after, r.run_after), finished_at = x.finished_at,
      parameters = coalesce(x.parameters, r.parameters),
      lease_owner = null, lease_expires_at = null, updated_at = $3::timestamptz
  from jsonb_to_recordset($1::text::jsonb)
       as x(id text, parameters jsonb, state text, error text, attempt int,
            run_after timestamptz, finished_at timestamptz)
  where r.id = x.id and r.lease_owner = $2 and r.state = 'running'
  returning r.id`

/**
 * Records a batch of outcomes in one statement, each only while `workerId` still holds the run's
 * lease (a late write after the lease moved on is dropped). Returns the ids written.
 */
export async function finishRuns(
  database: Database,
  workerId: string,
  outcomes: FinishedRun[],
  nowMs: number,
): Promise<Set<string>> {
  const written = await database.query<{ id: string }>(FINISH_SQL, [
    JSON.stringify(outcomes),
    workerId,
    new Date(nowMs).toISOString(),
  ])
  return new Set(written.map((w) => w.id))
}

/** Cancels a run that has not started; undefined when it is not (or no longer) queued. */
export async function cancelQueuedRun(
  tx: Executor,
  reportId: string,
  runId: string,
  nowMs: number,
): Promise<RunRow | undefined> {
  const now = new Date(nowMs)
  const [row] = await tx
    .update(reportRuns)
    .set({ state: 'cancelled', finishedAt: now, updatedAt: now })
    .where(
      and(
        eq(reportRuns.id, runId),
        eq(reportRuns.reportId, reportId),
        eq(reportRuns.state, 'queued'),
      ),
    )
    .returning()
  return row
}

/** A finished run queued again (same attempt) to re-deliver to the recipients reset for it. */
export async function requeueForRedelivery(
  tx: Executor,
  runId: string,
  nowMs: number,
): Promise<RunRow> {
  const now = new Date(nowMs)
  const [row] = await tx
    .update(reportRuns)
    .set({ state: 'queued', runAfter: now, finishedAt: null, error: null, updatedAt: now })
    .where(eq(reportRuns.id, runId))
    .returning()
  return row!
}

/**
 * Drops a report's runs queued ahead of their slot (the scheduler's lookahead), for when its
 * schedule changes or it is disabled: the slot they were for is no longer the report's. A run
 * whose slot has come is left alone, as before lookahead.
 */
export async function discardUpcomingRuns(
  tx: Executor,
  reportId: string,
  nowMs: number,
): Promise<void> {
  await tx
    .delete(reportRuns)
    .where(
      and(
        eq(reportRuns.reportId, reportId),
        eq(reportRuns.trigger, 'schedule'),
        eq(reportRuns.state, 'queued'),
        gt(reportRuns.scheduledFor, new Date(nowMs)),
      ),
    )
}

/** A `once` report whose scheduled run succeeded: disabled, so it never fires again. */
export async function retireOnceReport(database: Database, reportId: string): Promise<void> {
  await database.db
    .update(reports)
    .set({ enabled: false, nextRunAt: null })
    .where(eq(reports.id, reportId))
}

const WAKE_SQL = `
  select (select min(run_after) from report_runs where state = 'queued') as q,
         (select min(lease_expires_at) from report_runs where state = 'running') as l`

/** When the next queued run is due and the next lease expires (ms; absent if none). */
export async function nextRunWakeUps(database: Database): Promise<number[]> {
  const [row] = await database.query<{ q: string | Date | null; l: string | Date | null }>(
    WAKE_SQL,
    [],
  )
  return [row?.q, row?.l].filter((d) => d != null).map((d) => new Date(d as string).getTime())
}

/** One statement, one notification per run: listeners look for their run's id. */
export async function notifyRunsDone(database: Database, runIds: string[]): Promise<void> {
  await database.query('select pg_notify($1, id) from unnest($2::text[]) as id', [
    RUN_DONE_CHANNEL,
    runIds,
  ])
}
