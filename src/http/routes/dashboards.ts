import { type Context, Hono } from 'hono'
import { z } from 'zod'
import {
  createDashboard,
  deleteDashboard,
  getDashboard,
  listDashboards,
  updateDashboard,
} from '../../dashboards/dashboards.ts'
import { dashboardInputSchema } from '../../dashboards/model.ts'
import { previewDashboard, type RenderServices } from '../../dashboards/render.ts'
import { UnavailableError } from '../../errors.ts'
import { jsonBody, queryOf } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { fileResponse } from '../file.ts'
import { documentRoute } from '../openapi.ts'
import { ok } from '../respond.ts'
import { datasourcesOf } from './datasources.ts'

const BASE = '/api/v2/:org/dashboards'
const folderQuery = z.object({ folder: z.string().min(1).max(256).optional() })

documentRoute({
  method: 'get',
  path: BASE,
  summary: 'List dashboards',
  tag: 'dashboards',
  query: folderQuery,
})
documentRoute({
  method: 'post',
  path: BASE,
  summary: 'Create a dashboard',
  tag: 'dashboards',
  query: folderQuery,
  body: dashboardInputSchema,
})
documentRoute({ method: 'get', path: `${BASE}/:id`, summary: 'Get a dashboard', tag: 'dashboards' })
documentRoute({
  method: 'put',
  path: `${BASE}/:id`,
  summary: 'Replace a dashboard (optionally moving it with ?folder=)',
  tag: 'dashboards',
  query: folderQuery,
  body: dashboardInputSchema,
})
const renderQuery = z.object({
  format: z.enum(['pdf', 'png', 'csv', 'json', 'json_bulk']).default('pdf'),
  tab: z.string().min(1).max(128).optional(),
  period: z.string().min(2).max(32).default('7d'),
  timezone: z.string().min(1).max(128).optional(),
  panel: z.string().min(1).max(128).optional(),
  width: z.coerce.number().int().min(100).max(10_000).optional(),
  height: z.coerce.number().int().min(100).max(10_000).optional(),
})
const renderBody = z
  .object({
    variables: z
      .record(
        z.string().max(64),
        z.union([z.string().max(10_000), z.array(z.string().max(10_000))]),
      )
      .optional(),
  })
  .default({})
documentRoute({
  method: 'post',
  path: `${BASE}/:id/render`,
  summary:
    'Render a dashboard now (pdf, png, one panel as csv, or the tab as json / json_bulk) for the period ending now',
  tag: 'dashboards',
  query: renderQuery,
  body: renderBody,
  responses: { '200': 'The file', '400': 'A panel query failed', '503': 'A datasource is down' },
})
documentRoute({
  method: 'delete',
  path: `${BASE}/:id`,
  summary: 'Delete a dashboard no report uses',
  tag: 'dashboards',
})

function renderServicesOf(c: Context<AppEnv>): RenderServices {
  const renderer = c.get('deps').renderer
  if (!renderer) throw new UnavailableError('Rendering is not configured on this server')
  return { datasources: datasourcesOf(c), renderer }
}

export const dashboardRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const { folder } = queryOf(c, folderQuery)
    return c.json({ list: await listDashboards(c.get('ctx'), folder) })
  })
  .post('/', async (c) => {
    const { folder } = queryOf(c, folderQuery)
    const body = await jsonBody(c, dashboardInputSchema)
    const id = await createDashboard(c.get('ctx'), folder ?? 'default', body)
    return ok(c, 'Dashboard saved', { id })
  })
  .get('/:id', async (c) => c.json(await getDashboard(c.get('ctx'), c.req.param('id'))))
  .put('/:id', async (c) => {
    const { folder } = queryOf(c, folderQuery)
    const body = await jsonBody(c, dashboardInputSchema)
    await updateDashboard(c.get('ctx'), c.req.param('id'), body, folder)
    return ok(c, 'Dashboard updated')
  })
  .delete('/:id', async (c) => {
    await deleteDashboard(c.get('ctx'), c.req.param('id'))
    return ok(c, 'Dashboard deleted')
  })
  .post('/:id/render', async (c) => {
    const q = queryOf(c, renderQuery)
    const { variables } = await jsonBody(c, renderBody, { optional: true })
    const ctx = c.get('ctx')
    const file = await previewDashboard(ctx, renderServicesOf(c), c.req.param('id'), {
      ...q,
      variables,
    })
    return fileResponse(c, file)
  })
