import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

// Only src/runs/store/ may insert, update or delete runs, their outputs and deliveries.
const ROOT = join(import.meta.dirname, '../../..')
const OWNER = 'src/runs/store/'
const TABLES = ['report_runs', 'run_outputs', 'deliveries']
const SCHEMA_NAMES = ['reportRuns', 'runOutputs', 'deliveries']

/** Write statements on the run tables in one file's text: SQL text or drizzle builder calls. */
function writesOf(text: string): string[] {
  const found: string[] = []
  const t = TABLES.join('|')
  const sqlWrite = new RegExp(
    `\\b(insert\\s+into|update|delete\\s+from)\\s+"?(${t})"?\\b|\\b(insert\\s+into|update|delete\\s+from)\\s+\\$\\{\\s*(${SCHEMA_NAMES.join('|')})\\s*\\}`,
    'gi',
  )
  const builder = new RegExp(
    `\\.(insert|update|delete)\\(\\s*(${SCHEMA_NAMES.join('|')})\\s*\\)`,
    'g',
  )
  for (const m of text.matchAll(sqlWrite)) found.push(m[0])
  for (const m of text.matchAll(builder)) found.push(m[0])
  return found
}

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    if (e.isDirectory()) return sources(p)
    return e.name.endsWith('.ts') ? [p] : []
  })
}

describe('run state has one owner', () => {
  it('finds writes in SQL text and in builder calls', () => {
    expect(writesOf('await db.update(reportRuns).set({})')).toHaveLength(1)
    expect(writesOf('tx.delete( runOutputs ).where(x)')).toHaveLength(1)
    expect(writesOf('db.insert(deliveries).values([])')).toHaveLength(1)
    expect(writesOf('sql`UPDATE report_runs SET state = 1`')).toHaveLength(1)
    expect(writesOf('sql`insert into "deliveries" (id) values (1)`')).toHaveLength(1)
    expect(writesOf('DELETE FROM run_outputs o USING doomed')).toHaveLength(1)
    expect(writesOf('sql`update ${deliveries} set state = 1`')).toHaveLength(1)
    expect(writesOf('db.select().from(reportRuns); update reports set x = 1')).toEqual([])
  })

  it('no file outside src/runs/store/ writes report_runs, run_outputs or deliveries', () => {
    const offenders = sources(join(ROOT, 'src'))
      .map((f) => relative(ROOT, f).split('\\').join('/'))
      .filter((f) => !f.startsWith(OWNER) && !f.startsWith('src/db/schema/'))
      .flatMap((f) => writesOf(readFileSync(join(ROOT, f), 'utf8')).map((w) => `${f}: ${w}`))
    expect(offenders).toEqual([])
  })
})
