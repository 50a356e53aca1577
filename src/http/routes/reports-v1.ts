import { Hono } from 'hono'
import { z } from 'zod'
import type { Ctx } from '../../context.ts'
import { bulkDeleteSchema, reportInputSchema } from '../../reports/model.ts'
import { findReportIdByName, getReport, listReports } from '../../reports/queries.ts'
import {
  bulkDeleteReportsByName,
  createReport,
  deleteReport,
  setReportEnabled,
  updateReport,
} from '../../reports/service.ts'
import { jsonBody, queryOf } from '../body.ts'
import { enableQuery } from '../enable-param.ts'
import type { AppEnv } from '../env.ts'
import { documentRoute } from '../openapi.ts'
import { ok } from '../respond.ts'

/** OpenObserve's older name-keyed API: every single-report call works in the `default` folder. */
const BASE = '/api/:org/reports'
const DEFAULT = 'default'

const listQuery = z.object({
  folder_id: z.string().max(256).optional(),
  dashboard_id: z.string().max(256).optional(),
  cache: z
    .string()
    .optional()
    .transform((v) => (v === 'true' ? true : v === 'false' ? false : undefined)),
})

documentRoute({
  method: 'get',
  path: BASE,
  summary: 'List reports (v1)',
  tag: 'reports v1',
  query: listQuery,
})
documentRoute({
  method: 'post',
  path: BASE,
  summary: 'Create a report in the default folder (v1)',
  tag: 'reports v1',
  body: reportInputSchema,
})
documentRoute({
  method: 'get',
  path: `${BASE}/:name`,
  summary: 'Get a report by name (v1)',
  tag: 'reports v1',
})
documentRoute({
  method: 'put',
  path: `${BASE}/:name`,
  summary: 'Update a report by name (v1)',
  tag: 'reports v1',
  body: reportInputSchema,
})
documentRoute({
  method: 'delete',
  path: `${BASE}/:name`,
  summary: 'Delete a report by name (v1)',
  tag: 'reports v1',
})
documentRoute({
  method: 'delete',
  path: `${BASE}/bulk`,
  summary: 'Delete reports by name (v1)',
  tag: 'reports v1',
  body: bulkDeleteSchema,
})
documentRoute({
  method: 'put',
  path: `${BASE}/:name/enable`,
  summary: 'Enable or disable (v1)',
  tag: 'reports v1',
  query: enableQuery,
})

const idOf = (ctx: Ctx, name: string) => findReportIdByName(ctx, DEFAULT, name)

export const reportV1Routes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const q = queryOf(c, listQuery)
    return c.json(
      await listReports(c.get('ctx'), {
        folder: q.folder_id || undefined,
        dashboardId: q.dashboard_id || undefined,
        cache: q.cache,
      }),
    )
  })
  .post('/', async (c) => {
    const body = await jsonBody(c, reportInputSchema)
    await createReport(c.get('ctx'), DEFAULT, body)
    return ok(c, 'Report saved')
  })
  .delete('/bulk', async (c) => {
    const { ids: names } = await jsonBody(c, bulkDeleteSchema)
    return c.json(await bulkDeleteReportsByName(c.get('ctx'), DEFAULT, names))
  })
  .get('/:name', async (c) => {
    const ctx = c.get('ctx')
    return c.json(await getReport(ctx, await idOf(ctx, c.req.param('name'))))
  })
  .put('/:name', async (c) => {
    const ctx = c.get('ctx')
    const body = await jsonBody(c, reportInputSchema)
    const name = c.req.param('name')
    await updateReport(ctx, await idOf(ctx, name), { ...body, name })
    return ok(c, 'Report saved')
  })
  .delete('/:name', async (c) => {
    const ctx = c.get('ctx')
    await deleteReport(ctx, await idOf(ctx, c.req.param('name')))
    return ok(c, 'Report deleted')
  })
  .put('/:name/enable', async (c) => {
    const ctx = c.get('ctx')
    const { value } = queryOf(c, enableQuery)
    return c.json({
      enabled: await setReportEnabled(ctx, await idOf(ctx, c.req.param('name')), value),
    })
  })
