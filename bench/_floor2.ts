import postgres from 'postgres'
import { openPostgres } from '../src/db/client.ts'
import { migrateDatabase } from '../src/db/migrate.ts'
import { newId } from '../src/lib/ids.ts'
import { scratchDatabase, seedOrg, seedReports } from './lib.ts'
const N = 10000
const db = await scratchDatabase('floor')
const d = openPostgres(db.url); await migrateDatabase(d, db.url); await d.close()
const sql = postgres(db.url, { max: 4, onnotice: () => {} })
await seedOrg(sql, 'bench')
const slot = Date.now() - 1000
await seedReports(sql, { org: 'bench', count: N, dueAt: () => slot })
await sql`vacuum analyze reports`
const time = async (label: string, f: () => Promise<unknown>) => { const t = performance.now(); await f(); console.log(label, Math.round(performance.now() - t), 'ms') }
let due: any[] = []
await sql.begin(async (tx) => {
  await time('select 10k for update', async () => { due = await tx`select id, org, frequency, start_us, timezone, tz_offset_minutes, next_run_at from reports where enabled and next_run_at <= now() order by next_run_at limit 10000 for update skip locked` })
  const plans = due.map((r) => ({ run_id: newId(), id: r.id, org: r.org, scheduled_for: new Date(slot).toISOString(), skipped: 0, next: new Date(slot + 86400000).toISOString() }))
  const json = JSON.stringify(plans)
  for (const q of ['explain analyze ', '']) {}
  const ins = await tx.unsafe(`explain (analyze, buffers off) insert into report_runs (id, org, report_id, trigger, state, scheduled_for, skipped_slots, parameters, run_after, created_at, updated_at)
      select x.run_id, x.org, x.id, 'schedule', 'queued', x.scheduled_for, x.skipped, '{}'::jsonb, now(), now(), now()
      from jsonb_to_recordset($1::text::jsonb) as x(run_id text, id text, org text, scheduled_for timestamptz, skipped int)
      on conflict (report_id, scheduled_for) where trigger = 'schedule' do nothing`, [json])
  console.log(ins.map((r: any) => r['QUERY PLAN']).join('\n'))
  const up = await tx.unsafe(`explain (analyze, buffers off) update reports r set next_run_at = x.next, last_triggered_at = now() from jsonb_to_recordset($1::text::jsonb) as x(id text, next timestamptz) where r.id = x.id`, [json])
  console.log(up.map((r: any) => r['QUERY PLAN']).join('\n'))
})
await sql.end(); await db.drop()
