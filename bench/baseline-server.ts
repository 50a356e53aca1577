/**
 * The api bench's baseline: bare Hono + postgres.js serving the same SELECTs Herald's report
 * routes run (one report by id; the reports of a folder with the folder name), no auth, no
 * checks. Prints {"port": n} once listening; stops on SIGTERM.
 *
 *   npx tsx bench/baseline-server.ts <database-url>
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import postgres from 'postgres'

const url = process.argv[2]
if (!url) throw new Error('usage: baseline-server.ts <database-url>')
// The same pool size as Herald's (src/db/client.ts).
const sql = postgres(url, { max: 10, onnotice: () => {} })

const app = new Hono()
  .get('/api/v2/:org/reports/:id', async (c) => {
    const [row] = await sql`
      select * from reports where org = ${c.req.param('org')} and id = ${c.req.param('id')}`
    return row ? c.json(row) : c.json({ code: 404, message: 'Report not found' }, 404)
  })
  .get('/api/v2/:org/reports', async (c) => {
    const rows = await sql`
      select r.*, f.name as folder_name
      from reports r
      join folders f on f.org = r.org and f.type = r.folder_type and f.id = r.folder_id
      where r.org = ${c.req.param('org')} and r.folder_id = ${c.req.query('folder') ?? 'default'}
      order by r.name, f.name`
    return c.json(rows)
  })

const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
  console.log(JSON.stringify({ port: info.port }))
})
process.on('SIGTERM', () => {
  server.close()
  void sql.end({ timeout: 2 }).then(() => process.exit(0))
})
