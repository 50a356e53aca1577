import { Hono } from 'hono'
import { z } from 'zod'
import { createToken, listTokens, revokeToken } from '../../auth/token-service.ts'
import { jsonBody } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { documentRoute } from '../openapi.ts'
import { ok } from '../respond.ts'

const BASE = '/api/v2/:org/tokens'
const tokenBody = z.object({
  name: z.string().trim().min(1, 'Token name is required').max(256),
  roles: z.array(z.string().min(1).max(128)).max(20).optional(),
  expires_at: z.iso.datetime({ offset: true }).optional(),
})

documentRoute({ method: 'get', path: BASE, summary: 'List API tokens', tag: 'tokens' })
documentRoute({
  method: 'post',
  path: BASE,
  summary: 'Create an API token (secret shown once)',
  tag: 'tokens',
  body: tokenBody,
})
documentRoute({
  method: 'delete',
  path: `${BASE}/:id`,
  summary: 'Revoke an API token',
  tag: 'tokens',
})

export const tokenRoutes = new Hono<AppEnv>()
  .get('/', async (c) => c.json({ list: await listTokens(c.get('ctx')) }))
  .post('/', async (c) => {
    const body = await jsonBody(c, tokenBody)
    const created = await createToken(c.get('ctx'), {
      name: body.name,
      roles: body.roles,
      expiresAt: body.expires_at ? new Date(body.expires_at) : undefined,
    })
    return c.json(created)
  })
  .delete('/:id', async (c) => {
    await revokeToken(c.get('ctx'), c.req.param('id'))
    return ok(c, 'Token revoked')
  })
