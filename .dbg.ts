import { openPglite } from './src/db/client.ts'
import { migrateDatabase } from './src/db/migrate.ts'
import { Authorizer } from './src/authz/authorizer.ts'
import { insertRules, loadRules } from './src/authz/adapter.ts'
const db = await openPglite(undefined)
await migrateDatabase(db)
await insertRules(db.db, [['g2', 'team', 'acme'], ['g', 'rfolder:F/list', 'team', 'acme'], ['g', 'rfolder:F/get', 'team', 'acme']])
console.log(await loadRules(db.db))
const a = await Authorizer.open(db, { pollMs: 0 })
console.log(a.check(['team'], 'acme', 'rfolder:F', 'list'), a.check(['team'], 'acme', 'rfolder:G', 'list'), a.check(['viewer'], 'acme', 'rfolder:G', 'list'))
const e = (a as any).enforcer
console.log(e.getModel().model.get('g').get('g').policy, e.getModel().model.get('p').get('p').policy)
await a.close(); await db.close()
const m = e.getModel().model
for (const [sec, as] of m) for (const [k, a] of as) console.log(sec, k, JSON.stringify(a.tokens), JSON.stringify(a.value))
