import postgres from 'postgres'
import { openPostgres } from '../src/db/client.ts'
import { migrateDatabase } from '../src/db/migrate.ts'
import { newId } from '../src/lib/ids.ts'
import { scratchDatabase, seedOrg, seedReports } from './lib.ts'
const N = Number(process.argv[2] ?? 10000)
const B = Number(process.argv[3] ?? 500)
const W = Number(process.argv[4] ?? 256)
const db = await scratchDatabase('floor')
const d = openPostgres(db.url); await migrateDatabase(d, db.url); await d.close()
const sql = postgres(db.url, { max: 4, onnotice: () => {} })
await seedOrg(sql, 'bench')
const slot = Date.now() - 1000
await seedReports(sql, { org: 'bench', count: N, dueAt: () => slot })
let t = performance.now()
let ids0 = 0
for (;;) {
  const n = await sql.begin(async (tx) => {
    const due = await tx`select id, org, next_run_at from reports where enabled and next_run_at <= now() order by next_run_at limit ${B} for update skip locked`
    if (!due.length) return 0
    const plans = due.map((r) => ({ run_id: newId(), id: r.id, org: r.org, scheduled_for: new Date(slot).toISOString(), skipped: 0, next: new Date(slot + 86400000).toISOString() }))
    const json = JSON.stringify(plans)
    await tx`insert into report_runs (id, org, report_id, trigger, state, scheduled_for, skipped_slots, parameters, run_after, created_at, updated_at)
      select x.run_id, x.org, x.id, 'schedule', 'queued', x.scheduled_for, x.skipped, '{}'::jsonb, now(), now(), now()
      from jsonb_to_recordset(${json}::text::jsonb) as x(run_id text, id text, org text, scheduled_for timestamptz, skipped int)
      on conflict (report_id, scheduled_for) where trigger = 'schedule' do nothing`
    await tx`update reports r set next_run_at = x.next, last_triggered_at = now() from jsonb_to_recordset(${json}::text::jsonb) as x(id text, next timestamptz) where r.id = x.id`
    return due.length
  })
  ids0 += n
  if (n < B) break
}
const sched = performance.now() - t
t = performance.now()
let claimed = 0
for (;;) {
  const rows = await sql`update report_runs r set state='running', lease_owner='me', lease_expires_at=now()+interval '1 min', started_at=now(), updated_at=now()
    from (select id from report_runs where state='queued' and run_after <= now() order by run_after limit ${W} for update skip locked) d
    where r.id = d.id returning r.id, r.report_id`
  if (!rows.length) break
  const reps = await sql`select * from reports where id = any(${rows.map((r) => r.report_id)}::text[])`
  const fin = JSON.stringify(rows.map((r) => ({ id: r.id, state: 'succeeded', parameters: { timezone: 'UTC', ranges: [{ from: 'x', to: 'y' }] } })))
  await sql`update report_runs r set state = x.state, parameters = x.parameters, finished_at = now(), lease_owner = null, lease_expires_at = null, updated_at = now() from jsonb_to_recordset(${fin}::text::jsonb) as x(id text, state text, parameters jsonb) where r.id = x.id and r.state = 'running'`
  await sql`select pg_notify('herald_run_done', ${rows.length > 0 ? 'batch' : ''})`
  claimed += rows.length
  void reps
}
const work = performance.now() - t
console.log({ N, B, W, queued: ids0, sched_ms: Math.round(sched), claimed, worker_ms: Math.round(work) })
await sql.end(); await db.drop()
