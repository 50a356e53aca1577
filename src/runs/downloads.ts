import { and, eq } from 'drizzle-orm'
import type { Clock } from '../clock.ts'
import type { Ctx } from '../context.ts'
import type { Database } from '../db/client.ts'
import { reportRuns, runOutputs } from '../db/schema/index.ts'
import type { LinkSigner, SignedOutputRef } from '../delivery/links.ts'
import { ForbiddenError, NotFoundError } from '../errors.ts'
import { findRun } from './queries.ts'

export interface OutputFile {
  filename: string
  mediaType: string
  bytes: Buffer
}

const OUTPUT_NOT_FOUND = 'Output not found'
const columns = {
  filename: runOutputs.filename,
  mediaType: runOutputs.mediaType,
  bytes: runOutputs.bytes,
}

/** One output of a run, for a caller who may `get` the report. */
export async function getRunOutput(
  ctx: Ctx,
  reportId: string,
  runId: string,
  index: number,
): Promise<OutputFile> {
  await findRun(ctx, reportId, runId)
  const [row] = await ctx.database.db
    .select(columns)
    .from(runOutputs)
    .where(and(eq(runOutputs.runId, runId), eq(runOutputs.index, index)))
  if (!row) throw new NotFoundError(OUTPUT_NOT_FOUND)
  return row
}

/**
 * One output of a run, for whoever holds a valid signed link (the link is the credential).
 * A tampered or expired link is refused before anything is looked up.
 */
export async function getSignedRunOutput(
  deps: { database: Database; clock: Clock; links: LinkSigner },
  ref: SignedOutputRef,
  expires: string | undefined,
  sig: string | undefined,
): Promise<OutputFile> {
  if (!deps.links.verify(ref, expires, sig, deps.clock.now())) {
    throw new ForbiddenError('This download link is invalid or has expired')
  }
  const [row] = await deps.database.db
    .select(columns)
    .from(runOutputs)
    .innerJoin(reportRuns, eq(reportRuns.id, runOutputs.runId))
    .where(
      and(
        eq(runOutputs.runId, ref.runId),
        eq(runOutputs.index, ref.index),
        eq(reportRuns.org, ref.org),
      ),
    )
  // Signed yet gone: the output was purged after the retention period.
  if (!row) throw new NotFoundError(OUTPUT_NOT_FOUND)
  return row
}
