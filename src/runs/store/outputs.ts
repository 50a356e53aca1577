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
 * run never ends up with two sets. A file this process stored moments ago for another run (one
 * render shared by many runs) is copied inside the database rather than sent again. Returns how
 * many files were copied that way.
 */
export async function replaceRunOutputs(
  database: Database,
  runId: string,
  outputs: OutputRow[],
  nowMs: number,
): Promise<{ copied: number }> {
  const createdAt = new Date(nowMs)
  const stored = storedFilesOf(database)
  // Claimed before any await: of runs storing a new file at once, one sends it, the rest copy.
  // A run waits only on claims made before its own, so the waits never form a cycle.
  const claims = new Map<string, (holder: string | undefined) => void>()
  const pending = outputs.map((o) => {
    const found = stored.get(o.sha256)
    if (!found && !claims.has(o.sha256)) claims.set(o.sha256, stored.claim(o.sha256))
    return found
  })
  const sources = (await Promise.all(pending)).map((s) =>
    // A retry of this run replaces its own rows: nothing to copy from.
    s === runId ? undefined : s,
  )
  const bytes = outputs.reduce((n, o, i) => (sources[i] === undefined ? n + o.bytes.length : n), 0)
  try {
    const written = await OUTPUT_WRITES.run(bytes, () =>
      writeOutputs(database, runId, outputs, sources, createdAt),
    )
    for (const settle of claims.values()) settle(runId)
    for (const sha of written.sent) if (!claims.has(sha)) stored.remember(sha, runId)
    return { copied: written.copied }
  } catch (err) {
    for (const settle of claims.values()) settle(undefined)
    throw err
  }
}

/**
 * Bytes of files being sent at once, process-wide. The driver sends a file as hex text, so a
 * write holds ~4× the file's size until it is sent: when one render is shared by a thousand runs
 * (the same report for a team), unbounded they all wrote their copy at once, and that burst
 * peaked ~20 MB higher with a slower API (bench/README.md). The database takes these writes one
 * after another anyway. Files copied inside the database cost nothing here.
 */
const OUTPUT_WRITES = new ByteBudget(4 * 1024 * 1024)

async function writeOutputs(
  database: Database,
  runId: string,
  outputs: OutputRow[],
  sources: (string | undefined)[],
  createdAt: Date,
): Promise<{ copied: number; sent: string[] }> {
  let copied = 0
  const sent: string[] = []
  await database.db.transaction(async (tx) => {
    await tx.delete(runOutputs).where(eq(runOutputs.runId, runId))
    // One row per statement: outputs are megabytes, not worth a giant multi-row insert.
    for (const [i, o] of outputs.entries()) {
      const source = sources[i]
      if (source !== undefined) {
        const rows = await database.rows(
          sql`INSERT INTO run_outputs
                (run_id, idx, dashboard, media_type, filename, bytes, sha256, size, created_at)
              SELECT ${runId}, ${o.index}, ${o.dashboard}, ${o.mediaType}, ${o.filename},
                     bytes, sha256, size, ${createdAt.toISOString()}::timestamptz
              FROM run_outputs
              WHERE run_id = ${source} AND sha256 = ${o.sha256}
              LIMIT 1
              RETURNING idx`,
          tx,
        )
        if (rows.length > 0) {
          copied++
          continue
        }
        // The source run's files were replaced or purged since: send the bytes after all
        // (outside the byte budget: this is rare).
      }
      await tx.insert(runOutputs).values({ runId, ...o, createdAt })
      sent.push(o.sha256)
    }
  })
  return { copied, sent }
}

/** Most files remembered as stored (the renders of a burst, not a history). */
const REMEMBERED = 256

/**
 * Which run of this database holds a file, by sha256: the file a shared render produced is
 * stored once with its bytes, then copied from that run's row by every other run that has it.
 * Only what this process wrote (or is writing) is known; a miss just sends the bytes.
 */
class StoredFiles {
  private readonly where = new Map<string, Promise<string | undefined>>()

  /** The run holding a file with this sha256, once a write of it in flight has ended. */
  get(sha256: string): Promise<string | undefined> | undefined {
    return this.where.get(sha256)
  }

  /** This write sends the file: later writes of it wait for it, then copy from its run. */
  claim(sha256: string): (holder: string | undefined) => void {
    let settle!: (holder: string | undefined) => void
    const pending = new Promise<string | undefined>((resolve) => {
      settle = resolve
    })
    this.set(sha256, pending)
    return (holder) => {
      settle(holder)
      if (holder === undefined && this.where.get(sha256) === pending) this.where.delete(sha256)
    }
  }

  /** A run that holds the file now (it sent the bytes after a copy found none). */
  remember(sha256: string, holder: string): void {
    this.set(sha256, Promise.resolve(holder))
  }

  private set(sha256: string, where: Promise<string | undefined>): void {
    this.where.delete(sha256)
    this.where.set(sha256, where)
    while (this.where.size > REMEMBERED) this.where.delete(this.where.keys().next().value!)
  }
}

const STORED = new WeakMap<Database, StoredFiles>()

function storedFilesOf(database: Database): StoredFiles {
  let files = STORED.get(database)
  if (!files) {
    files = new StoredFiles()
    STORED.set(database, files)
  }
  return files
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
