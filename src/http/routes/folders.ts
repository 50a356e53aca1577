import { Hono } from 'hono'
import { z } from 'zod'
import { NotFoundError } from '../../errors.ts'
import {
  createFolder,
  deleteFolder,
  type FolderType,
  getFolder,
  getFolderByName,
  listFolders,
  updateFolder,
} from '../../folders/folders.ts'
import { jsonBody } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { documentRoute } from '../openapi.ts'
import { ok } from '../respond.ts'

const folderBody = z.object({
  name: z.string().max(1024),
  description: z
    .string()
    .max(10_000)
    .nullish()
    .transform((v) => v ?? ''),
})

const BASE = '/api/v2/:org/folders/:type'

function folderType(t: string | undefined): FolderType {
  if (t === 'reports' || t === 'dashboards') return t
  throw new NotFoundError(`Unknown folder type "${t}": use reports or dashboards`)
}

documentRoute({ method: 'get', path: BASE, summary: 'List folders', tag: 'folders' })
documentRoute({
  method: 'post',
  path: BASE,
  summary: 'Create a folder',
  tag: 'folders',
  body: folderBody,
})
documentRoute({ method: 'get', path: `${BASE}/:folderId`, summary: 'Get a folder', tag: 'folders' })
documentRoute({
  method: 'get',
  path: `${BASE}/name/:name`,
  summary: 'Get a folder by name',
  tag: 'folders',
})
documentRoute({
  method: 'put',
  path: `${BASE}/:folderId`,
  summary: 'Rename a folder',
  tag: 'folders',
  body: folderBody,
})
documentRoute({
  method: 'delete',
  path: `${BASE}/:folderId`,
  summary: 'Delete an empty folder',
  tag: 'folders',
})

export const folderRoutes = new Hono<AppEnv>()
  .get('/', async (c) => {
    const list = await listFolders(c.get('ctx'), folderType(c.req.param('type')))
    return c.json({ list })
  })
  .post('/', async (c) => {
    const type = folderType(c.req.param('type'))
    const body = await jsonBody(c, folderBody)
    return c.json(await createFolder(c.get('ctx'), type, body))
  })
  .get('/name/:name', async (c) => {
    const type = folderType(c.req.param('type'))
    return c.json(await getFolderByName(c.get('ctx'), type, c.req.param('name')))
  })
  .get('/:folderId', async (c) => {
    const type = folderType(c.req.param('type'))
    return c.json(await getFolder(c.get('ctx'), type, c.req.param('folderId')))
  })
  .put('/:folderId', async (c) => {
    const type = folderType(c.req.param('type'))
    const body = await jsonBody(c, folderBody)
    await updateFolder(c.get('ctx'), type, c.req.param('folderId'), body)
    return ok(c, 'Folder updated')
  })
  .delete('/:folderId', async (c) => {
    const type = folderType(c.req.param('type'))
    await deleteFolder(c.get('ctx'), type, c.req.param('folderId'))
    return ok(c, 'Folder deleted')
  })
