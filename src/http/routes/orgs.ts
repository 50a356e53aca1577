import { Hono } from 'hono'
import { z } from 'zod'
import { ForbiddenError } from '../../errors.ts'
import { ORG_ID_RE } from '../../lib/ids.ts'
import { describeMe } from '../../orgs/me.ts'
import { ensureOrg } from '../../orgs/orgs.ts'
import { jsonBody } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { documentRoute } from '../openapi.ts'
import { ok } from '../respond.ts'

const orgBody = z.object({
  id: z.string().regex(ORG_ID_RE, 'Org ids are 1-64 letters, digits, _ or -'),
  name: z.string().trim().min(1).max(256).optional(),
})

documentRoute({
  method: 'post',
  path: '/api/v2/orgs',
  summary: 'Create an org (root only)',
  tag: 'orgs',
  body: orgBody,
})
documentRoute({
  method: 'get',
  path: '/api/v2/me',
  summary: 'The caller: email, orgs and roles',
  tag: 'orgs',
})

export const orgRoutes = new Hono<AppEnv>()
  .post('/orgs', async (c) => {
    if (!c.get('principal').root) throw new ForbiddenError('Only the root user may create orgs')
    const body = await jsonBody(c, orgBody)
    await ensureOrg(c.get('deps').database, body.id, body.name ?? body.id)
    return ok(c, 'Org saved', { id: body.id })
  })
  .get('/me', async (c) => c.json(await describeMe(c.get('deps').database, c.get('principal'))))
