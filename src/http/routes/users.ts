import { Hono } from 'hono'
import { z } from 'zod'
import { addMember, listMembers, removeMember, updateMember } from '../../users/members.ts'
import { jsonBody } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { documentRoute } from '../openapi.ts'
import { ok } from '../respond.ts'

const BASE = '/api/v2/:org/users'
const roles = z.array(z.string().min(1).max(64)).max(20)
const password = z.string().min(8, 'password must be at least 8 characters').max(1024)
const name = z.string().trim().max(256)

const addBody = z.object({
  email: z.email({ message: 'expected an email address' }).max(320),
  name: name.optional(),
  password: password.optional(),
  roles: roles.default([]),
})
const updateBody = z.object({
  roles: roles.optional(),
  name: name.optional(),
  password: password.optional(),
})

documentRoute({ method: 'get', path: BASE, summary: 'List the members of the org', tag: 'admin' })
documentRoute({
  method: 'post',
  path: BASE,
  summary: 'Add a user to the org (creating it if new) with roles',
  tag: 'admin',
  body: addBody,
})
documentRoute({
  method: 'put',
  path: `${BASE}/:email`,
  summary: "Change a member's roles (and, for users of this org only, name or password)",
  tag: 'admin',
  body: updateBody,
})
documentRoute({
  method: 'delete',
  path: `${BASE}/:email`,
  summary: 'Remove a user from the org',
  tag: 'admin',
})

export const userRoutes = new Hono<AppEnv>()
  .get('/', async (c) => c.json({ list: await listMembers(c.get('ctx')) }))
  .post('/', async (c) => {
    const body = await jsonBody(c, addBody)
    const authenticator = c.get('deps').authenticator
    const id = await addMember(c.get('ctx'), body, (e) => authenticator.isRoot(e))
    return ok(c, 'User saved', { id })
  })
  .put('/:email', async (c) => {
    const body = await jsonBody(c, updateBody)
    const authenticator = c.get('deps').authenticator
    await updateMember(c.get('ctx'), c.req.param('email'), body, (e) => authenticator.isRoot(e))
    // Cached sign-ins would keep the old password working for a while, in every process.
    if (body.password) await authenticator.credentialsChanged()
    return ok(c, 'User updated')
  })
  .delete('/:email', async (c) => {
    await removeMember(c.get('ctx'), c.req.param('email'))
    return ok(c, 'User removed')
  })
