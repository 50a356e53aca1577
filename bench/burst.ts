/**
 * burst: N reports all due at one instant, no-op executor, against graphile-worker on the same
 * burst in the same run (DESIGN §11: Herald p99 lateness ≤ 1 s and ≤ ½ of graphile-worker's).
 *
 * Herald: one process (`src/main.ts`) with HERALD_ROLES=scheduler,worker, HERALD_EXECUTOR=noop,
 * on a fresh PostgreSQL database. The reports are inserted in bulk once it has started, all with
 * next_run_at = the same instant a few seconds ahead, and the scheduler is told by NOTIFY (as the
 * API does). Lateness = started_at − scheduled_for of each run, read from report_runs once the
 * burst has drained.
 *
 * graphile-worker 0.16 (library `run()`, default options but `concurrency`): N jobs of a no-op
 * task added in one `add_jobs` call with run_at = one instant a few seconds ahead, on a fresh
 * database of the same server. Lateness = when the task function is entered − run_at.
 *
 *   npm run bench -- burst [--n 10000] [--concurrency 64] [--lead-ms 5000] [--log-level info]
 *                          [--peer-poll-ms 2000] [--no-peer] [--cpu-prof] [--lookahead-ms 10000]
 *   npm run bench -- burst --defaults [--n 5000] [--peer-concurrency 10]
 *
 * `--defaults` runs Herald at its shipped defaults (no HERALD_WORKER_CONCURRENCY: derived from
 * the machine, see src/config.ts) with 5,000 reports, beside graphile-worker at concurrency 10.
 *
 * The reports are seeded --lead-ms ahead of their slot, so with Herald's scheduler lookahead
 * (HERALD_SCHEDULER_LOOKAHEAD_MS, default 10 s) their runs are queued before the slot, as they are
 * for any report saved before its 09:00; --lookahead-ms 0 measures queueing at the slot.
 */

import { loadavg } from 'node:os'
import { Logger, run } from 'graphile-worker'
import postgres from 'postgres'
import { machine } from '../src/config.ts'
import {
  flags,
  note,
  percentile,
  procStats,
  result,
  round1,
  scratchDatabase,
  seedOrg,
  seedReports,
  sleep,
  spawnHerald,
  tempDir,
  topSelfTime,
  until,
  verdict,
} from './lib.ts'

const f = flags()
const DEFAULTS = f.has('defaults')
const N = f.num('n', DEFAULTS ? 5_000 : 10_000)
// At --defaults Herald picks its own (32 × cores); the value here is what it derives.
const CONCURRENCY = DEFAULTS ? machine.workerConcurrency : f.num('concurrency', 64)
const PEER_CONCURRENCY = f.num('peer-concurrency', DEFAULTS ? 10 : CONCURRENCY)
const LEAD_MS = f.num('lead-ms', 5_000)
const LOG_LEVEL = f.str('log-level', 'info')
const LOOKAHEAD_MS = f.num('lookahead-ms', 10_000)
// graphile-worker's own default; it finds future jobs by polling at this interval.
const PEER_POLL_MS = f.num('peer-poll-ms', 2_000)
const DRAIN_TIMEOUT_MS = f.num('timeout-ms', 90_000)
const BUDGET_P99_MS = 1_000

interface Lateness {
  p50: number
  p99: number
  max: number
  drainPerS: number
}

function summarise(sortedMs: number[], lastStartMs: number): Lateness {
  return {
    p50: round1(percentile(sortedMs, 50)),
    p99: round1(percentile(sortedMs, 99)),
    max: round1(sortedMs[sortedMs.length - 1] ?? Number.NaN),
    drainPerS: Math.round(sortedMs.length / Math.max(0.001, lastStartMs / 1000)),
  }
}

async function herald() {
  const db = await scratchDatabase('burst')
  const prof = f.has('cpu-prof') ? tempDir('herald-burst-prof-') : undefined
  const proc = spawnHerald(
    {
      DATABASE_URL: db.url,
      HERALD_ROLES: 'scheduler,worker',
      HERALD_EXECUTOR: 'noop',
      ...(DEFAULTS ? {} : { HERALD_WORKER_CONCURRENCY: String(CONCURRENCY) }),
      LOG_LEVEL,
      HERALD_SCHEDULER_LOOKAHEAD_MS: String(LOOKAHEAD_MS),
    },
    { nodeArgs: prof ? ['--cpu-prof', `--cpu-prof-dir=${prof.dir}`] : [] },
  )
  const sql = postgres(db.url, { max: 2, onnotice: () => {} })
  try {
    await proc.started
    const idle = procStats(proc.pid)
    await seedOrg(sql, 'bench')
    const slot = Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000
    const t0 = Date.now()
    await seedReports(sql, { org: 'bench', count: N, dueAt: () => slot })
    const xacts0 = await transactions(sql, db.name)
    await sql`select pg_notify('herald_reports', '')`
    const seededMs = Date.now() - t0
    if (Date.now() >= slot) throw new Error(`seeding took ${seededMs} ms: raise --lead-ms`)
    note(`herald: ${N} reports seeded in ${seededMs} ms, due in ${slot - Date.now()} ms`)

    let peakRss = 0
    const drained = await until(
      async () => {
        peakRss = Math.max(peakRss, procStats(proc.pid).rssMb)
        const [row] = await sql<{ n: number }[]>`
          select count(*)::int as n from report_runs where state = 'succeeded'`
        return row?.n === N
      },
      slot - Date.now() + DRAIN_TIMEOUT_MS,
      200,
    )
    if (!drained) throw new Error(`Herald did not drain ${N} runs in time:\n${proc.tail()}`)
    const rows = await sql<{ ms: number }[]>`
      select extract(epoch from (started_at - scheduled_for)) * 1000 as ms
      from report_runs order by 1`
    const at = new Date(slot)
    const [span] = await sql<{ queued: number; started: number; finished: number }[]>`
      select extract(epoch from max(created_at) - ${at}::timestamptz) * 1000 as queued,
             extract(epoch from max(started_at) - ${at}::timestamptz) * 1000 as started,
             extract(epoch from max(finished_at) - ${at}::timestamptz) * 1000 as finished
      from report_runs`
    const lat = summarise(
      rows.map((r) => Number(r.ms)),
      Number(span?.started),
    )
    const stats = procStats(proc.pid)
    // Statistics reach pg_stat_database within a second or so of each transaction.
    await sleep(1500)
    const xacts = (await transactions(sql, db.name)) - xacts0
    return {
      xactsPerRun: Math.round((xacts / N) * 100) / 100,
      ...lat,
      queuedMs: round1(Number(span?.queued)),
      finishedMs: round1(Number(span?.finished)),
      idleRssMb: idle.rssMb,
      peakRssMb: Math.max(stats.hwmMb, peakRss),
      prof,
    }
  } finally {
    await sql.end({ timeout: 5 })
    await proc.stop()
    await db.drop()
  }
}

/** Transactions committed in the database so far (every autocommit statement is one). */
async function transactions(sql: postgres.Sql, name: string): Promise<number> {
  const [row] = await sql<{ n: string }[]>`
    select xact_commit + xact_rollback as n from pg_stat_database where datname = ${name}`
  return Number(row?.n ?? 0)
}

async function graphile() {
  const db = await scratchDatabase('burst_gw')
  const quiet = new Logger(() => () => {})
  const lateness: number[] = []
  let lastStart = 0
  let slot = 0
  const runner = await run({
    connectionString: db.url,
    concurrency: PEER_CONCURRENCY,
    pollInterval: PEER_POLL_MS,
    noHandleSignals: true,
    logger: quiet,
    taskList: {
      noop: async (_payload, helpers) => {
        const now = Date.now()
        lateness.push(now - helpers.job.run_at.getTime())
        lastStart = now
      },
    },
  })
  const sql = postgres(db.url, { max: 1, onnotice: () => {} })
  try {
    slot = Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000
    const t0 = Date.now()
    await sql`
      select count(*) from graphile_worker.add_jobs(array(
        select row('noop', json_build_object('i', g), null, ${new Date(slot)}::timestamptz,
                   null, null, null, null)::graphile_worker.job_spec
        from generate_series(1, ${N}::int) g))`
    const seededMs = Date.now() - t0
    if (Date.now() >= slot) throw new Error(`adding jobs took ${seededMs} ms: raise --lead-ms`)
    note(`graphile-worker: ${N} jobs added in ${seededMs} ms, due in ${slot - Date.now()} ms`)
    const drained = await until(
      async () => lateness.length >= N,
      slot - Date.now() + DRAIN_TIMEOUT_MS,
      100,
    )
    if (!drained) throw new Error(`graphile-worker ran ${lateness.length}/${N} jobs in time`)
    await sleep(200)
    return summarise(
      lateness.sort((a, b) => a - b),
      lastStart - slot,
    )
  } finally {
    await runner.stop()
    await sql.end({ timeout: 5 })
    await db.drop()
  }
}

async function main() {
  const h = await herald()
  const peer = f.has('no-peer') ? undefined : await graphile()
  const ratio = peer ? Math.round((h.p99 / peer.p99) * 100) / 100 : null
  result({
    bench: DEFAULTS ? 'burst --defaults' : 'burst',
    n: N,
    concurrency: CONCURRENCY,
    defaults: DEFAULTS,
    log_level: LOG_LEVEL,
    lookahead_ms: LOOKAHEAD_MS,
    p50_ms: h.p50,
    p99_ms: h.p99,
    max_ms: h.max,
    drain_per_s: h.drainPerS,
    last_queued_ms: h.queuedMs,
    all_finished_ms: h.finishedMs,
    xacts_per_run: h.xactsPerRun,
    idle_rss_mb: h.idleRssMb,
    peak_rss_mb: h.peakRssMb,
    peer: 'graphile-worker@0.16.6',
    peer_poll_ms: PEER_POLL_MS,
    peer_concurrency: PEER_CONCURRENCY,
    peer_p50_ms: peer?.p50 ?? null,
    peer_p99_ms: peer?.p99 ?? null,
    peer_max_ms: peer?.max ?? null,
    peer_drain_per_s: peer?.drainPerS ?? null,
    ratio_p99: ratio,
    load_avg_1m: round1(loadavg()[0] ?? 0),
  })
  const within = h.p99 <= BUDGET_P99_MS
  const half = ratio !== null && ratio <= 0.5
  verdict(
    within && (half || !peer) && h.peakRssMb < 600,
    `${DEFAULTS ? 'burst --defaults' : 'burst'}: Herald p99 ${h.p99} ms (≤ ${BUDGET_P99_MS} ms ${within ? 'ok' : 'missed'}); ` +
      (peer
        ? `graphile-worker p99 ${peer.p99} ms, ratio ${ratio} (≤ 0.5 ${half ? 'ok' : 'missed'}); `
        : 'peer skipped; ') +
      `peak RSS ${h.peakRssMb} MB (< 600) (DESIGN §11)`,
  )
  if (h.prof) {
    process.stderr.write('Herald CPU profile, top self time:\n')
    for (const line of topSelfTime(h.prof.dir)) process.stderr.write(`  ${line}\n`)
    if (f.has('keep-prof')) note(`profile kept in ${h.prof.dir}`)
    else h.prof.remove()
  }
}

await main()
