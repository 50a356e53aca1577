import postgres from 'postgres'
import { PGlite } from '@electric-sql/pglite'
const sql = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} })
const pg = await PGlite.create()
for (const tz of ['Asia/Kolkata', '<+0530>-05:30', '<-0330>+03:30', 'UTC']) {
  const q = "select set_config('TimeZone', $1, true) as s, date_trunc('day', '2026-01-01T20:00:00Z'::timestamptz)::text as d"
  const a = await sql.begin(async (tx) => tx.unsafe(q, [tz]))
  await pg.query('BEGIN READ ONLY')
  const b = await pg.query(q, [tz])
  await pg.query('ROLLBACK')
  console.log(tz, a[0].d, b.rows[0].d)
}
try { await pg.query('select 1; select 2') } catch (e) { console.log('multi', e.message) }
await sql.end(); await pg.close()
