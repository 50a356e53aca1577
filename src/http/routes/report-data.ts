import { Hono } from 'hono'
import { z } from 'zod'
import { UnavailableError } from '../../errors.ts'
import { runReportData } from '../../runs/run-data.ts'
import { variablesSchema } from '../../runs/trigger.ts'
import { jsonBody, queryOf } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { documentRoute } from '../openapi.ts'

/** The report's parameters as one JSON object (`{}` for none), as seed 000 sends them. */
const parametersSchema = variablesSchema.default({})

const runQuery = z.object({
  panel: z.string().max(256).optional(),
  all: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
})

const table = z.object({
  columns: z.array(z.string()),
  rows: z.array(z.array(z.unknown())),
})
const runResponse = z.union([
  table,
  z.object({ panels: z.array(table.extend({ title: z.string() })) }),
])

documentRoute({
  method: 'post',
  path: '/api/v1/:org/reports/:id/run',
  summary:
    "Run a report now and get its data (seed 000): the first data panel's {columns, rows}; ?panel= picks one by title or index, ?all=true answers {panels: [{title, columns, rows}]}. Recorded as a run with trigger api",
  tag: 'seed 000',
  body: parametersSchema,
  query: runQuery,
  response: runResponse,
  responses: {
    '200': 'The data',
    '400': 'A parameter of the wrong type, missing or out of bounds (named), or the SQL failed',
    '401': 'No or wrong credentials',
    '403': 'Not a member of the org, or the folder does not allow it',
    '404': 'No such report or panel',
  },
  errorStyle: 'seed000',
})

/** Mounted under /v1/:org/reports, with errors in seed 000's shape (see app.ts). */
export const reportDataRoutes = new Hono<AppEnv>().post('/:id/run', async (c) => {
  const query = queryOf(c, runQuery)
  const parameters = await jsonBody(c, parametersSchema, { optional: true })
  const { datasources } = c.get('deps')
  if (!datasources) throw new UnavailableError('Panel queries are not configured')
  return c.json(
    await runReportData(c.get('ctx'), datasources, c.req.param('id'), parameters, query),
  )
})
