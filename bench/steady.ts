/**
 * steady: the scheduler's cost per tick with 100,000 enabled reports, against 10,000, while the
 * same slice of them comes due (DESIGN §11: the cost grows with the number due, not the total).
 * Then the RSS of an idle Herald process (all roles) with the 100,000 reports (< 250 MB).
 *
 * For each total, a fresh database gets `total` daily reports inserted in bulk: `slice` of them
 * due uniformly over the measuring window (20/s by default), the rest with next_run_at uniform
 * over the 24 h that follow. A child process runs Herald's Scheduler (the real class, system
 * clock) on a postgres.js client wrapped to count every query it sends; over the window it reports
 * its own CPU time, the ticks it ran, the reports they claimed and the queries they sent.
 *
 *   npm run bench -- steady [--total 100000] [--small 10000] [--slice 600] [--window-s 30]
 *                           [--cpu-prof [--keep-prof]]
 */
import { spawn } from 'node:child_process'
import { loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import postgres from 'postgres'
import { systemClock } from '../src/clock.ts'
import { type Database, openPostgres } from '../src/db/client.ts'
import { migrateDatabase } from '../src/db/migrate.ts'
import { Scheduler } from '../src/scheduler/scheduler.ts'
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
  verdict,
} from './lib.ts'

const DAY_MS = 86_400_000
const BUDGET_RSS_MB = 250
/** Per-due-report cost at 100k may exceed the 10k one by this factor and still "follow due work". */
const FLAT = 1.5

interface Window {
  ticks: number
  claimed: number
  queries: number
  cpu_ms: number
  tick_ms_p50: number
  tick_ms_p95: number
}

// ---- child: the scheduler alone, measured over [from, to) ----

/** Herald's own Database handle, counting the statements it sends. */
function countingDatabase(url: string): { database: Database; queries: () => number } {
  let queries = 0
  const database = openPostgres(url, {
    onQuery: () => {
      queries++
    },
  })
  return { database, queries: () => queries }
}

async function child(url: string, from: number, to: number): Promise<void> {
  const { database, queries } = countingDatabase(url)
  const scheduler = new Scheduler({ database, clock: systemClock, log: pino({ level: 'silent' }) })
  let measuring = false
  const tickMs: number[] = []
  let claimed = 0
  const tick = scheduler.tick.bind(scheduler)
  scheduler.tick = async () => {
    const t = performance.now()
    const n = await tick()
    if (measuring) {
      tickMs.push(performance.now() - t)
      claimed += n
    }
    return n
  }
  await scheduler.start()
  await sleep(Math.max(0, from - Date.now()))
  measuring = true
  const q0 = queries()
  const cpu0 = process.cpuUsage()
  await sleep(Math.max(0, to - Date.now()))
  const cpu = process.cpuUsage(cpu0)
  measuring = false
  const sorted = tickMs.sort((a, b) => a - b)
  const w: Window = {
    ticks: tickMs.length,
    claimed,
    queries: queries() - q0,
    cpu_ms: Math.round((cpu.user + cpu.system) / 1000),
    tick_ms_p50: round1(percentile(sorted, 50)),
    tick_ms_p95: round1(percentile(sorted, 95)),
  }
  console.log(JSON.stringify(w))
  await scheduler.stop()
  await database.close()
}

// ---- parent ----

function runChild(url: string, from: number, to: number, profDir?: string): Promise<Window> {
  const self = fileURLToPath(import.meta.url)
  const prof = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []
  const p = spawn(
    process.execPath,
    [...prof, ...process.execArgv, self, '--child', url, String(from), String(to)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  let out = ''
  p.stdout.on('data', (d: Buffer) => {
    out += d.toString()
  })
  const kill = setTimeout(() => p.kill('SIGKILL'), to - Date.now() + 30_000)
  return new Promise((resolve, reject) => {
    p.once('exit', (code) => {
      clearTimeout(kill)
      const line = out.trim().split('\n').pop() ?? ''
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`steady child failed (${code})`))
      else resolve(JSON.parse(line) as Window)
    })
  })
}

async function measure(total: number, slice: number, windowMs: number, profDir?: string) {
  const db = await scratchDatabase('steady')
  const sql = postgres(db.url, { max: 2, onnotice: () => {} })
  try {
    const migrating = openPostgres(db.url, { max: 1 })
    await migrateDatabase(migrating, db.url)
    await migrating.close()
    await seedOrg(sql, 'bench')
    const t0 = Date.now()
    const ids = await seedReports(sql, {
      org: 'bench',
      count: total,
      dueAt: () => t0 + 60_000 + Math.random() * DAY_MS,
    })
    await sql`vacuum analyze reports`
    // Now that seeding is done, aim the slice at a window that opens once the child is up.
    const from = Date.now() + 6_000
    const to = from + windowMs
    const sliceIds = ids.slice(0, slice)
    const dues = sliceIds.map((_, i) => new Date(from + ((i + 0.5) * windowMs) / slice))
    await sql`
      update reports r set next_run_at = x.due,
                           start_us = (extract(epoch from x.due) * 1000000)::bigint
      from unnest(${sliceIds}::text[], ${dues.map((d) => d.toISOString())}::timestamptz[])
           as x(id, due)
      where r.id = x.id`
    note(`steady: ${total} reports seeded in ${Date.now() - t0} ms`)
    const w = await runChild(db.url, from, to, profDir)
    return { db, sql, w }
  } catch (err) {
    await sql.end({ timeout: 5 })
    await db.drop()
    throw err
  }
}

function perDue(w: Window) {
  const n = Math.max(1, w.claimed)
  return {
    ...w,
    cpu_ms_per_tick: round1(w.cpu_ms / Math.max(1, w.ticks)),
    cpu_ms_per_due: Math.round((w.cpu_ms / n) * 100) / 100,
    queries_per_due: Math.round((w.queries / n) * 100) / 100,
  }
}

/** RSS of a Herald process with every role on this database, idle (nothing due for a while). */
async function idleRss(url: string): Promise<{ rss: number; peak: number }> {
  const proc = spawnHerald({ DATABASE_URL: url, LOG_LEVEL: 'warn', PORT: '0' })
  try {
    await proc.started
    await sleep(5_000)
    const s = procStats(proc.pid)
    return { rss: s.rssMb, peak: s.hwmMb }
  } finally {
    await proc.stop()
  }
}

async function main(): Promise<void> {
  const f = flags()
  const total = f.num('total', 100_000)
  const small = f.num('small', 10_000)
  const slice = f.num('slice', 600)
  const windowMs = f.num('window-s', 30) * 1000

  const prof = f.has('cpu-prof') ? tempDir('herald-steady-prof-') : undefined
  const big = await measure(total, slice, windowMs, prof?.dir)
  let rss: { rss: number; peak: number }
  try {
    // The slice has passed; about one report a second is due from here on.
    rss = await idleRss(big.db.url)
  } finally {
    await big.sql.end({ timeout: 5 })
    await big.db.drop()
  }
  const little = await measure(small, slice, windowMs)
  let smallRss: { rss: number; peak: number }
  try {
    smallRss = await idleRss(little.db.url)
  } finally {
    await little.sql.end({ timeout: 5 })
    await little.db.drop()
  }

  const a = perDue(big.w)
  const b = perDue(little.w)
  const cpuRatio = Math.round((a.cpu_ms_per_due / Math.max(0.01, b.cpu_ms_per_due)) * 100) / 100
  const queryRatio = Math.round((a.queries_per_due / Math.max(0.01, b.queries_per_due)) * 100) / 100
  result({
    bench: 'steady',
    window_s: windowMs / 1000,
    slice,
    total,
    due: a.claimed,
    ticks: a.ticks,
    cpu_ms: a.cpu_ms,
    cpu_ms_per_tick: a.cpu_ms_per_tick,
    cpu_ms_per_due: a.cpu_ms_per_due,
    queries_per_due: a.queries_per_due,
    tick_ms_p50: a.tick_ms_p50,
    tick_ms_p95: a.tick_ms_p95,
    small_total: small,
    small_due: b.claimed,
    small_ticks: b.ticks,
    small_cpu_ms: b.cpu_ms,
    small_cpu_ms_per_tick: b.cpu_ms_per_tick,
    small_cpu_ms_per_due: b.cpu_ms_per_due,
    small_queries_per_due: b.queries_per_due,
    small_tick_ms_p50: b.tick_ms_p50,
    small_tick_ms_p95: b.tick_ms_p95,
    cpu_per_due_ratio: cpuRatio,
    queries_per_due_ratio: queryRatio,
    idle_rss_mb: rss.rss,
    idle_peak_rss_mb: rss.peak,
    small_idle_rss_mb: smallRss.rss,
    load_avg_1m: loadavg()[0],
  })
  if (prof) {
    process.stderr.write(`scheduler process (${total} reports), top self time:\n`)
    for (const line of topSelfTime(prof.dir)) process.stderr.write(`  ${line}\n`)
    if (f.has('keep-prof')) note(`profile kept in ${prof.dir}`)
    else prof.remove()
  }
  const flat = cpuRatio <= FLAT && queryRatio <= FLAT
  const lean = rss.rss < BUDGET_RSS_MB
  verdict(
    flat && lean,
    `steady: per due report ${a.cpu_ms_per_due} ms CPU, ${a.queries_per_due} queries with ` +
      `${total} reports vs ${b.cpu_ms_per_due} ms, ${b.queries_per_due} with ${small} ` +
      `(ratio ${cpuRatio} / ${queryRatio}, ≤ ${FLAT} ${flat ? 'ok' : 'missed'}); idle RSS ` +
      `${rss.rss} MB with ${total} reports (< ${BUDGET_RSS_MB} ${lean ? 'ok' : 'missed'}) ` +
      '(DESIGN §11)',
  )
}

const argv = process.argv.slice(2)
if (argv[0] === '--child') await child(argv[1]!, Number(argv[2]), Number(argv[3]))
else await main()
