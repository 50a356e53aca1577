import { Hono } from 'hono'
import { z } from 'zod'
import { latestReportOutput } from '../../runs/outputs.ts'
import { queryOf } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { fileResponse } from '../file.ts'
import { documentRoute } from '../openapi.ts'

const indexQuery = z.object({ index: z.coerce.number().int().min(0).max(10_000).default(0) })

documentRoute({
  method: 'get',
  path: '/api/v2/:org/reports/:id/output',
  summary: "A cached report's latest output (file ?index=, default the first)",
  tag: 'runs',
  query: indexQuery,
  responses: { '200': 'The file', '404': 'No successful run with outputs yet' },
})

export const reportOutputRoutes = new Hono<AppEnv>().get('/:id/output', async (c) => {
  const { index } = queryOf(c, indexQuery)
  const file = await latestReportOutput(c.get('ctx'), c.req.param('id'), index)
  return fileResponse(c, file, { 'x-herald-run-id': file.runId })
})
