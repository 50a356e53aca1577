import { Hono } from 'hono'
import { z } from 'zod'
import {
  createDashboard,
  deleteDashboard,
  getDashboard,
  listDashboards,
  updateDashboard,
} from '../../dashboards/dashboards.ts'
import { dashboardInputSchema } from '../../dashboards/model.ts'
import { jsonBody, queryOf } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { describe } from '../openapi.ts'
import { ok } from '../respond.ts'

const BASE = '/api/v2/:org/dashboards'
const folderQuery = z.object({ folder: z.string().min(1).max(256).optional() })

describe({
  method: 'get',
  path: BASE,
  summary: 'List dashboards',
  tag: 'dashboards',
  query: folderQuery,
})
describe({
  method: 'post',
  path: BASE,
  summary: 'Create a dashboard',
  tag: 'dashboards',
  query: folderQuery,
  body: dashboardInputSchema,
})
describe({ method: 'get', path: `${BASE}/:id`, summary: 'Get a dashboard', tag: 'dashboards' })
describe({
  method: 'put',
  path: `${BASE}/:id`,
  summary: 'Replace a dashboard (optionally moving it with ?folder=)',
  tag: 'dashboards',
  query: folderQuery,
  body: dashboardInputSchema,
})
describe({
  method: 'delete',
  path: `${BASE}/:id`,
  summary: 'Delete a dashboard no report uses',
  tag: 'dashboards',
})

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
