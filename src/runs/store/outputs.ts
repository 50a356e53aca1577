import { asc, eq, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import { runOutputs } from '../../db/schema/index.ts'
import type { DeliveryOutput } from '../../delivery/types.ts'
import { ByteBudget } from '../../lib/byte-budget.ts'

/** Every statement that writes a run's files (`run_outputs`). */

/** A file ready to store: numbered, hashed. */
export interface OutputRow {
  index: number
  dashboard: number
  mediaType: string
  filename: string
  bytes: Buffer
  sha256: string
  size: number
}

/**
 * Stores a run's files, replacing whatever an earlier attempt of the same run stored: a retried
 * run never ends up with two sets.
 */
export async function replaceRunOutputs(
  database: Database,
  runId: string,
  outputs: OutputRow[],
  nowMs: number,
): Promise<void> {
  const createdAt = new Date(nowMs)
  const bytes = outputs.reduce((n, o) => n + o.bytes.length, 0)
  await OUTPUT_WRITES.run(bytes, () => writeOutputs(database, runId, outputs, createdAt))
}

/**
 * Bytes of files being written at once, process-wide. The driver sends a file as hex text, so a
 * write holds ~4× the file's size until it is sent: when one render is shared by a thousand runs
 * (the same report for a team), unbounded they all wrote their copy at once, and that burst
 * peaked ~20 MB higher with a slower API (bench/README.md). The database takes these writes one
 * after another anyway.
 */
const OUTPUT_WRITES = new ByteBudget(4 * 1024 * 1024)

async function writeOutputs(
  database: Database,
  runId: string,
  outputs: OutputRow[],
  createdAt: Date,
): Promise<void> {
  await database.db.transaction(async (tx) => {
    await tx.delete(runOutputs).where(eq(runOutputs.runId, runId))
    // One row per statement: outputs are megabytes, not worth a giant multi-row insert.
    for (const o of outputs) {
      await tx.insert(runOutputs).values({ runId, ...o, createdAt })
    }
  })
}

const DAY_MS = 86_400_000
const BATCH = 500

/**
 * Deletes run outputs older than `retentionDays`, in small batches so no statement holds locks
 * for long. A cached report (no destinations) keeps its latest successful output however old:
 * `GET …/reports/{id}/output` promises it. Returns how many files were removed.
 */
export async function purgeOutputs(
  database: Database,
  nowMs: number,
  retentionDays: number,
): Promise<number> {
  const cutoff = new Date(nowMs - retentionDays * DAY_MS).toISOString()
  let total = 0
  for (;;) {
    const rows = await database.rows<{ run_id: string }>(sql`
      WITH keep AS (
        SELECT DISTINCT ON (r.report_id) r.id
        FROM report_runs r
        JOIN reports p ON p.id = r.report_id
        WHERE r.state = 'succeeded'
          AND p.destinations = '[]'::jsonb
          AND EXISTS (SELECT 1 FROM run_outputs o WHERE o.run_id = r.id)
        ORDER BY r.report_id, r.finished_at DESC NULLS LAST, r.id DESC
      ),
      doomed AS (
        SELECT run_id, idx FROM run_outputs
        WHERE created_at < ${cutoff}::timestamptz
          AND run_id NOT IN (SELECT id FROM keep)
        LIMIT ${BATCH}
      ),
      gone AS (
        DELETE FROM run_outputs o
        USING doomed d
        WHERE o.run_id = d.run_id AND o.idx = d.idx
        RETURNING o.run_id
      ),
      -- The run remembers its files existed: the job view answers DELETED (and 410), not
      -- "no files", for a run whose outputs retention removed.
      marked AS (
        UPDATE report_runs SET outputs_purged_at = ${new Date(nowMs).toISOString()}::timestamptz
        WHERE id IN (SELECT run_id FROM gone) AND outputs_purged_at IS NULL
      )
      SELECT run_id FROM gone`)
    total += rows.length
    if (rows.length < BATCH) return total
  }
}

/** The outputs a run has stored, in order: what a retry or crash recovery delivers again. */
export async function loadRunOutputs(database: Database, runId: string): Promise<DeliveryOutput[]> {
  return database.db
    .select({
      index: runOutputs.index,
      dashboard: runOutputs.dashboard,
      mediaType: runOutputs.mediaType,
      filename: runOutputs.filename,
      bytes: runOutputs.bytes,
    })
    .from(runOutputs)
    .where(eq(runOutputs.runId, runId))
    .orderBy(asc(runOutputs.index))
}
