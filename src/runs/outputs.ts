import { createHash } from 'node:crypto'
import { and, asc, desc, eq, exists, sql } from 'drizzle-orm'
import { requireOn } from '../authz/require.ts'
import type { Ctx } from '../context.ts'
import type { Database } from '../db/client.ts'
import { reportRuns, runOutputs } from '../db/schema/index.ts'
import { NotFoundError } from '../errors.ts'
import { reportFolder } from '../permissions.ts'
import { findReport, REPORT_NOT_FOUND } from '../reports/queries.ts'
import { replaceRunOutputs } from './store/outputs.ts'

/** A file a run produced, before it is stored. */
export interface NewOutput {
  /** Index into the report's `dashboards` of the entry that produced it. */
  dashboard: number
  mediaType: string
  filename: string
  bytes: Buffer
}

export interface StoredOutput extends NewOutput {
  index: number
  sha256: string
  size: number
}

/**
 * Stores a run's files, numbered in order, replacing whatever an earlier attempt of the same run
 * stored: a retried run never ends up with two sets.
 */
export async function storeOutputs(
  database: Database,
  runId: string,
  files: NewOutput[],
  nowMs: number,
): Promise<StoredOutput[]> {
  const stored = files.map((f, index) => ({
    ...f,
    index,
    sha256: sha256Of(f.bytes),
    size: f.bytes.length,
  }))
  await replaceRunOutputs(database, runId, stored, nowMs)
  return stored
}

/** Digests of buffers already hashed: a render shared by a thousand runs is one buffer. */
const DIGESTS = new WeakMap<Buffer, string>()

function sha256Of(bytes: Buffer): string {
  let digest = DIGESTS.get(bytes)
  if (digest === undefined) {
    digest = createHash('sha256').update(bytes).digest('hex')
    DIGESTS.set(bytes, digest)
  }
  return digest
}

export interface OutputDownload {
  runId: string
  filename: string
  mediaType: string
  bytes: Buffer
}

const NO_OUTPUT = 'This report has no stored output yet'

/**
 * A cached report's latest output: file `index` of its most recent successful run that has
 * outputs. Needs `get` on the report's folder.
 */
export async function latestReportOutput(
  ctx: Ctx,
  reportId: string,
  index: number,
): Promise<OutputDownload> {
  const report = await findReport(ctx, reportId)
  requireOn(ctx, reportFolder(report.folderId), 'get', REPORT_NOT_FOUND)
  const db = ctx.database.db
  const [run] = await db
    .select({ id: reportRuns.id })
    .from(reportRuns)
    .where(
      and(
        eq(reportRuns.reportId, report.id),
        eq(reportRuns.state, 'succeeded'),
        exists(
          db.select({ one: sql`1` }).from(runOutputs).where(eq(runOutputs.runId, reportRuns.id)),
        ),
      ),
    )
    .orderBy(desc(reportRuns.finishedAt), desc(reportRuns.id))
    .limit(1)
  if (!run) throw new NotFoundError(NO_OUTPUT)
  const [row] = await db
    .select({
      filename: runOutputs.filename,
      mediaType: runOutputs.mediaType,
      bytes: runOutputs.bytes,
    })
    .from(runOutputs)
    .where(and(eq(runOutputs.runId, run.id), eq(runOutputs.index, index)))
    .orderBy(asc(runOutputs.index))
  if (!row) throw new NotFoundError(`The latest output has no file ${index}`)
  return { runId: run.id, ...row }
}
