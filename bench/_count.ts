import { pino } from 'pino'
import postgres from 'postgres'
import { drizzle } from 'drizzle-orm/postgres-js'
import * as schema from '../src/db/schema/index.ts'
import { migrateDatabase } from '../src/db/migrate.ts'
import { Scheduler } from '../src/scheduler/scheduler.ts'
import { Worker } from '../src/runs/worker.ts'
import { noopExecutor } from '../src/runs/executor.ts'
import { systemClock } from '../src/clock.ts'
import { scratchDatabase, seedOrg, seedReports, until } from './lib.ts'
import type { Database } from '../src/db/client.ts'

const N = Number(process.argv[2] ?? 5000)
const C = Number(process.argv[3] ?? 64)
const db = await scratchDatabase('count')
const counts = new Map<string, { n: number; ms: number }>()
const client = postgres(db.url, { max: 10, onnotice: () => {}, debug: (_c, q) => {
  const k = q.replace(/\s+/g, ' ').slice(0, 70)
  const e = counts.get(k) ?? { n: 0, ms: 0 }
  e.n++
  counts.set(k, e)
} })
const d = drizzle(client, { schema }) as any
const database: Database = {
  kind: 'postgres', db: d,
  async rows(q: any, tx?: any) { return (await (tx ?? d).execute(q)) as any },
  async listen(ch, fn) { const s = await client.listen(ch, fn); return async () => s.unlisten() },
  async notify(ch, p) { await client.notify(ch, p) },
  async ping() { await client`select 1` },
  async close() { await client.end({ timeout: 5 }) },
}
await migrateDatabase(database, db.url)
const log = pino({ level: 'silent' })
const s = new Scheduler({ database, clock: systemClock, log })
const w = new Worker({ database, clock: systemClock, log, executor: noopExecutor, concurrency: C })
const orig = s.tick.bind(s); const ticks: string[] = []; (s as any).tick = async () => { const t = performance.now(); const n = await orig(); ticks.push(`${n}:${Math.round(performance.now()-t)}`); return n }
await s.start(); if (C > 0) await w.start()
const sql = postgres(db.url, { max: 1, onnotice: () => {} })
await seedOrg(sql, 'bench')
const slot = Math.ceil((Date.now() + 3000) / 1000) * 1000
await seedReports(sql, { org: 'bench', count: N, dueAt: () => slot })
counts.clear()
await sql`select pg_notify('herald_reports', '')`
const cpu0 = process.cpuUsage()
await until(async () => (await sql`select count(*)::int n from report_runs where state=${C > 0 ? 'succeeded' : 'queued'}`)[0]!.n === N, 120000, 200)
const cpu = process.cpuUsage(cpu0)
const [r] = await sql`select percentile_cont(0.99) within group (order by extract(epoch from started_at-scheduled_for)*1000) p99, extract(epoch from max(created_at) - min(scheduled_for))*1000 queued_last, extract(epoch from max(started_at) - min(scheduled_for))*1000 started_last from report_runs`
console.log(ticks.join(' ')); console.log(r, 'cpu ms', (cpu.user + cpu.system) / 1000)
const total = [...counts.values()].reduce((a, b) => a + b.n, 0)
console.log('queries', total, 'per run', total / N)
for (const [k, v] of [...counts.entries()].sort((a, b) => b[1].n - a[1].n).slice(0, 15)) console.log(v.n, k)
await s.stop(); await w.stop(); await sql.end(); await database.close(); await db.drop()
