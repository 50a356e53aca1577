import { Hono } from 'hono'
import { z } from 'zod'
import {
  createRole,
  deleteRole,
  getRolePermissions,
  listRoles,
  ROLE_NAME_RE,
  setRoleInherits,
  setRolePermissions,
} from '../../authz/roles.ts'
import { ACTIONS } from '../../permissions.ts'
import { jsonBody } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { documentRoute } from '../openapi.ts'
import { ok } from '../respond.ts'

const BASE = '/api/v2/:org/roles'
const roleNames = z.array(z.string().min(1).max(64)).max(20)

const createBody = z.object({
  name: z
    .string()
    .regex(ROLE_NAME_RE, 'Role names are 1-64 letters, digits, _, . or -, starting alphanumeric'),
  inherits: roleNames.optional(),
})
const updateBody = z.object({ inherits: roleNames })
const permissionsBody = z
  .array(
    z.object({
      object: z.string().max(200),
      actions: z.array(z.enum(ACTIONS)).max(ACTIONS.length),
    }),
  )
  .max(10_000)

documentRoute({
  method: 'get',
  path: BASE,
  summary: 'List built-in and custom roles',
  tag: 'admin',
})
documentRoute({
  method: 'post',
  path: BASE,
  summary: 'Create a custom role (optionally including other roles)',
  tag: 'admin',
  body: createBody,
})
documentRoute({
  method: 'put',
  path: `${BASE}/:role`,
  summary: 'Replace the roles a custom role includes',
  tag: 'admin',
  body: updateBody,
})
documentRoute({
  method: 'delete',
  path: `${BASE}/:role`,
  summary: 'Delete a custom role',
  tag: 'admin',
})
documentRoute({
  method: 'get',
  path: `${BASE}/:role/permissions`,
  summary: "A role's folder permissions",
  tag: 'admin',
})
documentRoute({
  method: 'put',
  path: `${BASE}/:role/permissions`,
  summary: "Replace a custom role's folder permissions",
  tag: 'admin',
  body: permissionsBody,
})

export const roleRoutes = new Hono<AppEnv>()
  .get('/', async (c) => c.json({ list: await listRoles(c.get('ctx')) }))
  .post('/', async (c) => {
    const body = await jsonBody(c, createBody)
    await createRole(c.get('ctx'), body)
    return ok(c, 'Role saved', { name: body.name })
  })
  .put('/:role', async (c) => {
    const body = await jsonBody(c, updateBody)
    await setRoleInherits(c.get('ctx'), c.req.param('role'), body.inherits)
    return ok(c, 'Role updated')
  })
  .delete('/:role', async (c) => {
    await deleteRole(c.get('ctx'), c.req.param('role'))
    return ok(c, 'Role deleted')
  })
  .get('/:role/permissions', async (c) =>
    c.json(await getRolePermissions(c.get('ctx'), c.req.param('role'))),
  )
  .put('/:role/permissions', async (c) => {
    const body = await jsonBody(c, permissionsBody)
    await setRolePermissions(c.get('ctx'), c.req.param('role'), body)
    return ok(c, 'Permissions saved')
  })
