import type { Ctx } from '../context.ts'
import type { LinkSigner } from '../delivery/links.ts'
import { ConflictError } from '../errors.ts'
import type { RunRow } from './model.ts'
import { type OutputInfo, outputHref } from './present.ts'
import { findOrgRun, outputsOf } from './queries.ts'
import { triggerReport } from './trigger.ts'

/** Seed 003's document states. */
export type DocumentStatus = 'queued' | 'available' | 'failed'

const DOCUMENT_NOT_FOUND = 'Document not found'
/** How long a download URL works: long enough to fetch, short enough not to be shared around. */
export const DOWNLOAD_TTL_MS = 15 * 60_000

export function documentStatus(run: Pick<RunRow, 'state' | 'outputsPurgedAt'>): DocumentStatus {
  if (run.state === 'queued' || run.state === 'running') return 'queued'
  if ((run.state === 'succeeded' || run.state === 'partially_failed') && !run.outputsPurgedAt) {
    return 'available'
  }
  return 'failed'
}

/** The file's type as seed 003 names it: its extension (pdf, png, csv, …). */
const fileType = (o: OutputInfo) => /\.([A-Za-z0-9]+)$/.exec(o.filename)?.[1]?.toLowerCase() ?? null

function present(run: RunRow, file: OutputInfo | undefined) {
  // A finished run that made no file has no document to offer.
  const found = documentStatus(run)
  const status: DocumentStatus = found === 'available' && !file ? 'failed' : found
  const shown = status === 'available' ? file : undefined
  return {
    data: {
      id: run.id,
      type: 'documents' as const,
      attributes: {
        category: 'report' as const,
        file_name: shown?.filename ?? null,
        file_path: shown ? outputHref(run, shown.index) : null,
        file_type: shown ? fileType(shown) : null,
        status,
        user_id: run.requestedBy,
        created_at: run.createdAt.toISOString(),
        updated_at: run.updatedAt.toISOString(),
        error: status === 'failed' ? (run.error ?? 'The report produced no file') : null,
      },
    },
  }
}

/**
 * Generates the report as a document: a run through the trigger path, with these variables over
 * the stored ones (the run's win at render time).
 */
export async function generateDocument(
  ctx: Ctx,
  reportId: string,
  variables?: Record<string, string | string[]>,
) {
  const run = await triggerReport(ctx, reportId, variables ? { variables } : {})
  return present(run, undefined)
}

export async function getDocument(ctx: Ctx, id: string) {
  const { run } = await findOrgRun(ctx, id, DOCUMENT_NOT_FOUND)
  const [file] = documentStatus(run) === 'available' ? await outputsOf(ctx, run.id) : []
  return present(run, file)
}

/** A signed, expiring URL to the document's file: it opens without credentials, as emails' do. */
export async function documentDownload(
  ctx: Ctx,
  id: string,
  signer: { links: LinkSigner; publicUrl: string },
) {
  const doc = await getDocument(ctx, id)
  const a = doc.data.attributes
  if (a.status !== 'available') {
    throw new ConflictError(
      `The document is ${a.status}; there is nothing to download`,
      a.status === 'queued'
        ? `Poll /api/v2/${encodeURIComponent(ctx.org)}/documents/${id} until its status is available.`
        : (a.error ?? undefined),
    )
  }
  const [file] = await outputsOf(ctx, id)
  const expiresAtMs = ctx.clock.now() + DOWNLOAD_TTL_MS
  return {
    url: signer.links.url(
      signer.publicUrl,
      { org: ctx.org, runId: id, index: file!.index },
      expiresAtMs,
    ),
    expires_at: new Date(Math.floor(expiresAtMs / 1000) * 1000).toISOString(),
  }
}
