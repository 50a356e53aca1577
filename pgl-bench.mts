import { PGlite } from '@electric-sql/pglite'
import { wrapPglite } from '/work/main/src/db/client.ts'
import { migrateDatabase } from '/work/main/src/db/migrate.ts'
let t = performance.now()
const pg = await PGlite.create()
console.log('create', performance.now() - t); t = performance.now()
await migrateDatabase(wrapPglite(pg))
console.log('migrate', performance.now() - t); t = performance.now()
const dump = await pg.dumpDataDir('none')
console.log('dump', performance.now() - t, dump.size); t = performance.now()
const pg2 = await PGlite.create({ loadDataDir: dump })
console.log('load', performance.now() - t); t = performance.now()
const c = await pg.clone()
console.log('clone', performance.now() - t); t = performance.now()
console.log((await pg2.query('select count(*) from drizzle.__drizzle_migrations')).rows)
