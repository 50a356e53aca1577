/**
 * Run as a child process (`fillSampleDirectory`): creates the sample database in the directory
 * given, fills it and exits. Creating (initdb) and filling grow PGlite's WebAssembly memory to
 * several hundred MB that are never given back; in a child they go back to the system when it
 * exits, and Herald's own process only ever opens the finished database.
 *
 *   node sample-fill.mjs <dataDir> <nowMs>
 */
import { PGlite } from '@electric-sql/pglite'
import { pgliteStartParams } from '../db/pglite-settings.ts'
import { sampleSchemaSql, seedSample } from './sample-data.ts'

const [dataDir, nowArg] = process.argv.slice(2)
if (!dataDir || !nowArg) throw new Error('usage: sample-fill <dataDir> <nowMs>')
const db = await PGlite.create(dataDir, {
  startParams: pgliteStartParams(PGlite.defaultStartParams, '16MB'),
})
for (const stmt of sampleSchemaSql.split(';').map((s) => s.trim())) {
  if (stmt) await db.query(stmt)
}
const { rows } = await db.query<{ empty: boolean }>(
  'SELECT NOT EXISTS (SELECT 1 FROM orders) AS empty',
)
if (rows[0]?.empty) {
  await db.transaction(async (tx) => {
    await seedSample((sql, params) => tx.query(sql, params), Number(nowArg))
  })
}
await db.close()
