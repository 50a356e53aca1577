import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sampleDashboard } from '../../src/datasources/sample-dashboard.ts'
import { panelSqlProblem } from '../../src/datasources/sql-guard.ts'
import { createTestApp, type TestApp } from '../helpers/app.ts'
import { dashboardBody } from '../helpers/factories.ts'

// Panel SQL is one read-only query (issue 15, finding 2): anything else is refused when the
// dashboard is saved, and again when it runs (a definition written before this rule, or by hand).
const org = 'sqlorg'

const REFUSED: [string, string, RegExp][] = [
  ['COPY to a program', "COPY (SELECT 1) TO PROGRAM 'id'", /found COPY/],
  ['DO block', 'DO $$ BEGIN PERFORM 1; END $$', /found DO/],
  ['CALL', 'CALL some_procedure()', /found CALL/],
  ['SET', "SET role 'postgres'", /found VARIABLESET/],
  ['LOCK', 'LOCK TABLE orders', /found LOCK/],
  ['NOTIFY', "NOTIFY herald, 'x'", /found NOTIFY/],
  [
    'data-modifying CTE',
    'WITH gone AS (DELETE FROM orders RETURNING *) SELECT count(*) FROM gone',
    /data-modifying statements \(DELETE\)/,
  ],
  ['SELECT INTO', 'SELECT * INTO stolen FROM orders', /SELECT … INTO is not allowed/],
  ['FOR UPDATE', 'SELECT * FROM orders FOR UPDATE', /FOR UPDATE \/ FOR SHARE/],
  ['two statements', 'SELECT 1; SELECT 2', /only one statement is allowed/],
]

function body(sqlText: string) {
  return dashboardBody({
    variables: [{ name: 'region', value: 'EU' }],
    tabs: [
      {
        tabId: 'default',
        name: 'Main',
        panels: [
          { id: 'note', type: 'text', title: 'Notes', options: { content: 'hi' } },
          {
            id: 'p1',
            type: 'table',
            title: 'Sneaky',
            query: { datasource: 'sample', sql: sqlText },
            layout: { x: 0, y: 0, w: 24, h: 8 },
          },
        ],
      },
    ],
  })
}

describe('panel SQL is one read-only query', () => {
  let t: TestApp

  beforeAll(async () => {
    t = await createTestApp()
  })
  afterAll(async () => {
    await t?.close()
  })

  it('accepts the sample dashboard and reads with macros and variables', () => {
    for (const tab of sampleDashboard.tabs) {
      for (const p of tab.panels) {
        if (p.query) expect(panelSqlProblem(p.query.sql, [])).toBeUndefined()
      }
    }
    for (const ok of [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a dashboard variable, not a template
      "SELECT date_trunc('day', created_at) AS d, count(*) FROM orders WHERE created_at >= $__from AND created_at < $__to AND region = ${region} GROUP BY 1",
      'WITH x AS (SELECT 1 AS n) SELECT n, $__interval AS i FROM x',
      'VALUES (1, 2), (3, 4)',
      'TABLE orders',
      '(SELECT 1) UNION ALL (SELECT 2)',
    ]) {
      expect(panelSqlProblem(ok, ['region']), ok).toBeUndefined()
    }
  })

  for (const [what, sqlText, reason] of REFUSED) {
    it(`refuses ${what} at save with a field error on the panel`, async () => {
      const res = await t.request('POST', `/api/v2/${org}/dashboards`, { body: body(sqlText) })
      expect(res.status, res.text).toBe(400)
      const field = res.body.fields?.find(
        (f: { name: string }) => f.name === 'tabs[0].panels[1].query.sql',
      )
      expect(field, res.text).toBeDefined()
      expect(field.description).toMatch(reason)
      expect(field.description).toMatch(/Panel p1/)
    })

    it(`refuses ${what} at run time, naming the panel`, async () => {
      const saved = await t.request('POST', `/api/v2/${org}/dashboards`, {
        body: body('SELECT 1 AS n'),
      })
      expect(saved.status, saved.text).toBe(200)
      // A definition that never went through today's validation (older release, hand edit).
      await t.tdb.database.db.execute(
        sql`update dashboards set definition = jsonb_set(definition, '{tabs,0,panels,1,query,sql}', to_jsonb(${sqlText}::text)) where id = ${saved.body.id}`,
      )
      const res = await t.request('POST', `/api/v2/${org}/dashboards/${saved.body.id}/render`)
      expect(res.status, res.text).toBe(400)
      expect(res.body.message).toMatch(/^Panel "Sneaky": /)
      expect(res.body.message).toMatch(reason)
    })
  }
})
