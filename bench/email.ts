/**
 * email: messages/s through Herald's pooled SMTP transport (src/delivery: createMailer, the
 * same factory the server uses, SMTP_URL defaults: 5 pooled connections) to a local smtp-server
 * sink in another process that greets each connection after 100 ms (DESIGN §11: ≥ 500/s).
 *
 * The messages are real report emails (composeContent → mailFor → buildMessage, one per
 * recipient, with a `--size-kb` PDF attachment), built before the clock starts; then they are
 * handed to the mailer, up to `--inflight` awaiting at a time, and timed until the last is
 * accepted. The sink's count must match. A second pass sends the same emails without the
 * attachment (`small_*`): the transport's per-message cost without the per-byte one. The
 * verdict is on the report-sized pass.
 *
 *   npm run bench -- email [--n 2000] [--size-kb 40] [--greeting-ms 100] [--max-connections 5]
 *                          [--inflight 64]
 */
import { randomBytes } from 'node:crypto'
import { loadavg } from 'node:os'
import path from 'node:path'
import { composeContent, mailFor } from '../src/delivery/compose.ts'
import { buildMessage, createMailer, type OutgoingMessage } from '../src/delivery/index.ts'
import { flags, note, result, round1, startSink, tempDir, verdict } from './lib.ts'

const BUDGET = 500
const f = flags()
const N = f.num('n', 2000)
const SIZE_KB = f.num('size-kb', 40)
const GREETING_MS = f.num('greeting-ms', 100)
const MAX_CONNECTIONS = f.num('max-connections', 0)
const INFLIGHT = f.num('inflight', 64)

/** N report emails, one per recipient, as delivery builds them (no attachment when sizeKb is 0). */
async function messages(n: number, sizeKb: number): Promise<OutgoingMessage[]> {
  const bytes = randomBytes(sizeKb * 1024)
  const content = composeContent(
    {
      report: {
        id: 'bench-report',
        org: 'bench',
        name: 'weekly-ops',
        title: 'Weekly ops',
        message: 'Hello team,\n\nhere is the **weekly** operations report.',
        dashboards: [],
        imagePreview: false,
      },
      folderName: 'Operations',
      runId: 'bench-run',
      parameters: {
        timezone: 'Europe/Berlin',
        ranges: [{ from: '2026-11-16T00:00:00.000Z', to: '2026-11-23T00:00:00.000Z' }],
      },
      runLink: { url: 'http://herald.bench/dl/bench/bench-run?expires=1&sig=x', expiresAtMs: 1000 },
    },
    (sizeKb > 0 ? [1] : []).map(() => ({
      output: {
        index: 0,
        dashboard: 0,
        mediaType: 'application/pdf',
        filename: 'weekly-ops.pdf',
        bytes,
      },
      filename: 'Weekly ops.pdf',
      contentType: 'application/pdf',
      disposition: 'attachment' as const,
    })),
    new Map(),
  )
  const out: OutgoingMessage[] = []
  for (let i = 0; i < n; i++) {
    const to = `recipient${i}@example.com`
    const messageId = `<bench-run.${i}@herald.bench>`
    const raw = await buildMessage(
      mailFor(content, {
        from: 'Herald <herald@herald.bench>',
        replyTo: undefined,
        to,
        messageId,
        date: new Date(),
      }),
    )
    out.push({ from: 'herald@herald.bench', to, messageId, raw })
  }
  return out
}

interface Pass {
  size: number
  composeMs: number
  elapsed: number
  perS: number
  failed: number
  accepted: number
}

/** One sink, one mailer (as a Herald process has), `N` messages of this size through it. */
async function pass(sizeKb: number): Promise<Pass> {
  const t0 = performance.now()
  const batch = await messages(N, sizeKb)
  const composeMs = performance.now() - t0
  const size = batch[0]?.raw.length ?? 0
  const sink = await startSink(GREETING_MS)
  const outbox = tempDir('herald-bench-outbox-')
  const query = MAX_CONNECTIONS > 0 ? `?maxConnections=${MAX_CONNECTIONS}` : ''
  const mailer = createMailer({
    smtpUrl: `smtp://127.0.0.1:${sink.port}${query}`,
    outboxDir: path.join(outbox.dir, 'outbox'),
  })
  let accepted = 0
  let failed = 0
  let elapsed = 0
  try {
    await mailer.verify()
    note(
      `email: ${N} messages of ${round1(size / 1024)} KB composed in ${Math.round(composeMs)} ms`,
    )
    const start = performance.now()
    let next = 0
    const deadline = Date.now() + 120_000
    await Promise.all(
      Array.from({ length: Math.min(INFLIGHT, N) }, async () => {
        while (next < batch.length && Date.now() < deadline) {
          const m = batch[next++]!
          try {
            await mailer.send(m)
          } catch {
            failed++
          }
        }
      }),
    )
    elapsed = performance.now() - start
  } finally {
    await mailer.close()
    accepted = (await sink.stop()).accepted
    outbox.remove()
  }
  const perS = Math.round((N - failed) / (elapsed / 1000))
  return { size, composeMs, elapsed, perS, failed, accepted }
}

async function main(): Promise<void> {
  const report = await pass(SIZE_KB)
  const small = await pass(0)
  result({
    bench: 'email',
    n: N,
    message_kb: round1(report.size / 1024),
    greeting_ms: GREETING_MS,
    max_connections: MAX_CONNECTIONS || 5,
    inflight: INFLIGHT,
    elapsed_ms: Math.round(report.elapsed),
    messages_per_s: report.perS,
    failed: report.failed,
    sink_accepted: report.accepted,
    compose_ms_per_message: round1(report.composeMs / N),
    small_message_kb: round1(small.size / 1024),
    small_messages_per_s: small.perS,
    small_sink_accepted: small.accepted,
    load_avg_1m: loadavg()[0],
  })
  const complete = [report, small].every((p) => p.failed === 0 && p.accepted === N)
  const perS = report.perS
  verdict(
    complete && perS >= BUDGET,
    `email: ${perS} messages/s of ${round1(report.size / 1024)} KB through the pooled ` +
      `transport (≥ ${BUDGET} ${perS >= BUDGET ? 'ok' : 'missed'}); ${small.perS}/s of ` +
      `${round1(small.size / 1024)} KB; sinks accepted all: ${complete} (DESIGN §11)`,
  )
}

await main()
