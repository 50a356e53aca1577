import type { Context } from 'hono'
import { Hono } from 'hono'
import { datasourceInputSchema } from '../../datasources/model.ts'
import type { Datasources } from '../../datasources/registry.ts'
import {
  createDatasource,
  deleteDatasource,
  getDatasource,
  listDatasources,
  testDatasource,
  updateDatasource,
} from '../../datasources/service.ts'
import { UnavailableError } from '../../errors.ts'
import { jsonBody } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { documentRoute } from '../openapi.ts'
import { ok } from '../respond.ts'

const BASE = '/api/v2/:org/datasources'

documentRoute({
  method: 'get',
  path: BASE,
  summary: 'List datasources (admins)',
  tag: 'datasources',
})
documentRoute({
  method: 'post',
  path: BASE,
  summary: 'Create a datasource (admins); the URL is write-only',
  tag: 'datasources',
  body: datasourceInputSchema,
})
documentRoute({
  method: 'get',
  path: `${BASE}/:id`,
  summary: 'Get a datasource, password masked',
  tag: 'datasources',
})
documentRoute({
  method: 'put',
  path: `${BASE}/:id`,
  summary: 'Replace a datasource; without url the stored one is kept',
  tag: 'datasources',
  body: datasourceInputSchema,
})
documentRoute({
  method: 'delete',
  path: `${BASE}/:id`,
  summary: 'Delete a datasource no dashboard uses',
  tag: 'datasources',
})
documentRoute({
  method: 'post',
  path: `${BASE}/:id/test`,
  summary: 'Check that a datasource answers',
  tag: 'datasources',
})

export function datasourcesOf(c: Context<AppEnv>): Datasources {
  const ds = c.get('deps').datasources
  if (!ds) throw new UnavailableError('Datasources are not configured on this server')
  return ds
}

export const datasourceRoutes = new Hono<AppEnv>()
  .get('/', async (c) => c.json({ list: await listDatasources(c.get('ctx'), datasourcesOf(c)) }))
  .post('/', async (c) => {
    const body = await jsonBody(c, datasourceInputSchema)
    const id = await createDatasource(c.get('ctx'), datasourcesOf(c), body)
    return ok(c, 'Datasource saved', { id })
  })
  .get('/:id', async (c) =>
    c.json(await getDatasource(c.get('ctx'), datasourcesOf(c), c.req.param('id'))),
  )
  .put('/:id', async (c) => {
    const body = await jsonBody(c, datasourceInputSchema)
    await updateDatasource(c.get('ctx'), datasourcesOf(c), c.req.param('id'), body)
    return ok(c, 'Datasource updated')
  })
  .delete('/:id', async (c) => {
    await deleteDatasource(c.get('ctx'), datasourcesOf(c), c.req.param('id'))
    return ok(c, 'Datasource deleted')
  })
  .post('/:id/test', async (c) => {
    await testDatasource(c.get('ctx'), datasourcesOf(c), c.req.param('id'))
    return ok(c, 'Datasource reachable')
  })
