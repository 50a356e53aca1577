import { Hono } from 'hono'
import { z } from 'zod'
import { bulkDeleteSchema, moveSchema, reportInputSchema } from '../../reports/model.ts'
import { getReport, listReports } from '../../reports/queries.ts'
import {
  bulkDeleteReports,
  createReport,
  deleteReport,
  moveReports,
  setReportEnabled,
  updateReport,
} from '../../reports/service.ts'
import { jsonBody, queryOf } from '../body.ts'
import { enableQuery } from '../enable-param.ts'
import type { AppEnv } from '../env.ts'
import { documentRoute } from '../openapi.ts'
import { ok } from '../respond.ts'

const BASE = '/api/v2/:org/reports'

export const listQuery = z.object({
  folder: z.string().max(256).optional(),
  dashboard_id: z.string().max(256).optional(),
  // OpenObserve ignores any other value of `cache`; so do we.
  cache: z
    .string()
    .optional()
    .transform((v) => (v === 'true' ? true : v === 'false' ? false : undefined)),
  report_name_substring: z.string().max(256).optional(),
})
const folderQuery = z.object({ folder: z.string().min(1).max(256).optional() })

documentRoute({
  method: 'get',
  path: BASE,
  summary: 'List reports',
  tag: 'reports',
  query: listQuery,
})
documentRoute({
  method: 'post',
  path: BASE,
  summary: 'Create a report',
  tag: 'reports',
  query: folderQuery,
  body: reportInputSchema,
})
documentRoute({ method: 'get', path: `${BASE}/:id`, summary: 'Get a report', tag: 'reports' })
documentRoute({
  method: 'put',
  path: `${BASE}/:id`,
  summary: 'Update a report (and move it with ?folder=)',
  tag: 'reports',
  query: folderQuery,
  body: reportInputSchema,
})
documentRoute({ method: 'delete', path: `${BASE}/:id`, summary: 'Delete a report', tag: 'reports' })
documentRoute({
  method: 'delete',
  path: `${BASE}/bulk`,
  summary: 'Delete several reports',
  tag: 'reports',
  body: bulkDeleteSchema,
})
documentRoute({
  method: 'patch',
  path: `${BASE}/move`,
  summary: 'Move reports to another folder (all or nothing)',
  tag: 'reports',
  body: moveSchema,
})
documentRoute({
  method: 'patch',
  path: `${BASE}/:id/enable`,
  summary: 'Enable or disable a report',
  tag: 'reports',
  query: enableQuery,
})

export const reportRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const q = queryOf(c, listQuery)
    const list = await listReports(c.get('ctx'), {
      folder: q.folder || undefined,
      dashboardId: q.dashboard_id || undefined,
      cache: q.cache,
      nameSubstring: q.report_name_substring || undefined,
    })
    return c.json(list)
  })
  .post('/', async (c) => {
    const { folder } = queryOf(c, folderQuery)
    const body = await jsonBody(c, reportInputSchema)
    const id = await createReport(c.get('ctx'), folder ?? 'default', body)
    return ok(c, 'Report saved', { id })
  })
  .delete('/bulk', async (c) => {
    const { ids } = await jsonBody(c, bulkDeleteSchema)
    return c.json(await bulkDeleteReports(c.get('ctx'), ids))
  })
  .patch('/move', async (c) => {
    const body = await jsonBody(c, moveSchema)
    await moveReports(c.get('ctx'), body.report_ids, body.dst_folder_id)
    return ok(c, body.report_ids.length === 1 ? 'Report moved' : 'Reports moved')
  })
  .get('/:id', async (c) => c.json(await getReport(c.get('ctx'), c.req.param('id'))))
  .put('/:id', async (c) => {
    const { folder } = queryOf(c, folderQuery)
    const body = await jsonBody(c, reportInputSchema)
    await updateReport(c.get('ctx'), c.req.param('id'), body, folder)
    return ok(c, 'Report updated')
  })
  .delete('/:id', async (c) => {
    await deleteReport(c.get('ctx'), c.req.param('id'))
    return ok(c, 'Report deleted')
  })
  .patch('/:id/enable', async (c) => {
    const { value } = queryOf(c, enableQuery)
    return c.json({ enabled: await setReportEnabled(c.get('ctx'), c.req.param('id'), value) })
  })
