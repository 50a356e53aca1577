import { createHash } from 'node:crypto'
import { eq } from 'drizzle-orm'
import PDFDocument from 'pdfkit'
import type { Database } from '../../src/db/client.ts'
import { deliveries, reportRuns, runOutputs } from '../../src/db/schema/index.ts'
import {
  DEFAULT_BACKOFF_MS,
  type DeliveryDeps,
  type DeliverySettings,
  deliverRun,
  LinkSigner,
  type Mailer,
  normalizeRecipients,
} from '../../src/delivery/index.ts'
import { newId } from '../../src/lib/ids.ts'
import type { RunExecutor } from '../../src/runs/executor.ts'
import { runResultOf } from '../../src/runs/outcome.ts'
import { deliveryLedger } from '../../src/runs/store/deliveries.ts'
import { loadRunOutputs } from '../../src/runs/store/outputs.ts'
import type { Worker } from '../../src/runs/worker.ts'
import { PUBLIC_URL, TEST_SECRET, type TestApp } from './app.ts'
import { silent, worker } from './runs.ts'

/**
 * An executor that delivers the outputs a run already has, rendering nothing, for tests of
 * delivery alone. A report with dashboards but no stored output fails rather than mailing an
 * empty message dressed up as the report.
 */
export function createDeliveryExecutor(deps: DeliveryDeps): RunExecutor {
  return {
    async execute({ run, report, parameters, signal, log }) {
      const outputs = await loadRunOutputs(deps.database, run.id)
      const dashboards = report.dashboards as unknown[]
      const fromReport = (report.destinations as { email: string }[]).map((d) => d.email)
      const sends = normalizeRecipients(parameters.destinations ?? fromReport).length > 0
      if (sends && outputs.length === 0 && dashboards.length > 0) {
        return { state: 'failed', error: 'Nothing to deliver: no output was rendered for this run' }
      }
      const result = await deliverRun(
        { ...deps, log },
        { run, report, parameters, outputs, signal },
      )
      return runResultOf(result, deps.clock.now())
    },
  }
}

/** A valid 1×1 PNG. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwAD' +
    'hgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

/** A real PDF with these lines; uncompressed when it should be big. */
export function makePdf(lines: string[], compress = true): Promise<Buffer> {
  const doc = new PDFDocument({ compress })
  const chunks: Buffer[] = []
  doc.on('data', (c: Buffer) => chunks.push(c))
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))))
  for (const line of lines) doc.text(line)
  doc.end()
  return done
}

export interface Fixture {
  dashboard: number | null
  mediaType: string
  filename: string
  bytes: Buffer
}

/** What a renderer would store for a run. */
export async function storeOutputs(database: Database, runId: string, fixtures: Fixture[]) {
  if (fixtures.length === 0) return
  await database.db
    .insert(runOutputs)
    .values(
      fixtures.map((f, index) => ({
        runId,
        index,
        dashboard: f.dashboard,
        mediaType: f.mediaType,
        filename: f.filename,
        bytes: f.bytes,
        sha256: createHash('sha256').update(f.bytes).digest('hex'),
        size: f.bytes.length,
      })),
    )
    .onConflictDoNothing()
}

export const FROM = 'Herald Reports <reports@herald.test>'
export const REPLY_TO = 'ops-team@herald.test'

export interface DeliveryHarness {
  deps: DeliveryDeps
  worker: Worker
  /** Outputs the stand-in renderer stores for each report id. */
  fixtures: Map<string, Fixture[]>
  /** Lets the worker pick up what is due now and waits until it is idle. */
  settle(): Promise<void>
  stop(): Promise<void>
}

/**
 * A worker whose executor stands in for the renderer: it stores the report's fixtures as the
 * run's outputs (once; a later pass keeps them), then delivers them.
 */
export async function deliveryHarness(
  t: TestApp,
  mailer: Mailer,
  settings: Partial<DeliverySettings> = {},
): Promise<DeliveryHarness> {
  const database = t.tdb.database
  const deps: DeliveryDeps = {
    database,
    clock: t.clock,
    log: silent,
    mailer,
    ledger: deliveryLedger(database),
    links: new LinkSigner(TEST_SECRET),
    settings: {
      from: FROM,
      replyTo: REPLY_TO,
      publicUrl: PUBLIC_URL,
      maxMessageBytes: 10 * 1024 * 1024,
      linkTtlMs: 7 * 24 * 3600_000,
      backoffMs: DEFAULT_BACKOFF_MS,
      sendLeaseMs: 5 * 60_000,
      concurrency: 4,
      ...settings,
    },
  }
  const fixtures = new Map<string, Fixture[]>()
  const delivering = createDeliveryExecutor(deps)
  const executor: RunExecutor = {
    async execute(ctx) {
      await storeOutputs(database, ctx.run.id, fixtures.get(ctx.report.id) ?? [])
      return delivering.execute(ctx)
    },
  }
  const w = worker(database, t.clock, executor)
  await w.start()
  return {
    deps,
    worker: w,
    fixtures,
    async settle() {
      for (;;) {
        const claimed = await w.tick()
        // Twice: a pass of the worker's own loop may start a run while the first call returns.
        await w.idle()
        await w.idle()
        if (claimed === 0) return
      }
    },
    stop: () => w.stop(1000),
  }
}

/** Turns a queued run into a finished one with one recipient sent and one failed for good. */
export async function finishWithFailedRecipient(database: Database, runId: string) {
  const now = new Date()
  await database.db
    .update(reportRuns)
    .set({ state: 'partially_failed', error: '1 of 2 failed', finishedAt: now })
    .where(eq(reportRuns.id, runId))
  await database.db.insert(deliveries).values([
    { id: newId(), runId, recipient: 'ok@example.com', state: 'sent', attempts: 1, sentAt: now },
    { id: newId(), runId, recipient: 'no@example.com', state: 'failed', attempts: 1 },
  ])
}
