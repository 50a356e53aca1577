import { PGlite } from '@electric-sql/pglite'
const db = new PGlite()
await db.query('select 1')
let t = Date.now()
const tick = setInterval(() => process.stdout.write('.'), 50)
try {
  await db.transaction(async (tx) => {
    await tx.query("SET LOCAL statement_timeout = 300")
    await tx.query('select pg_sleep(2)')
  })
} catch (e) { console.log('\nerr', e.message, Date.now() - t) }
t = Date.now()
try {
  await db.transaction(async (tx) => {
    await tx.query("SET LOCAL statement_timeout = 300")
    await tx.query('select count(*) from generate_series(1, 50000000)')
  })
} catch (e) { console.log('\nerr2', e.message, Date.now() - t) }
console.log('\ndone', Date.now() - t)
clearInterval(tick)
await db.query('select 1').then(r => console.log('ok after', r.rows))
