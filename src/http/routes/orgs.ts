import { Hono } from 'hono'
import { z } from 'zod'
import { ForbiddenError } from '../../errors.ts'
import { isReservedOrgId, ORG_ID_RE } from '../../lib/ids.ts'
import { describeMe } from '../../orgs/me.ts'
import { ensureOrg } from '../../orgs/orgs.ts'
import { ACTIONS } from '../../permissions.ts'
import { jsonBody, queryOf } from '../body.ts'
import type { AppEnv } from '../env.ts'
import { documentRoute } from '../openapi.ts'
import { ok } from '../respond.ts'

const orgBody = z.object({
  id: z
    .string()
    .regex(ORG_ID_RE, 'Org ids are 1-64 letters, digits, _ or -')
    .refine((id) => !isReservedOrgId(id), 'v1 and v2 are API versions, reserved: not org ids'),
  name: z.string().trim().min(1).max(256).optional(),
})

documentRoute({
  method: 'post',
  path: '/api/v2/orgs',
  summary: 'Create an org (root only)',
  tag: 'orgs',
  body: orgBody,
})
const meQuery = z.object({
  org: z
    .string()
    .regex(ORG_ID_RE, 'Org ids are 1-64 letters, digits, _ or -')
    .optional()
    .describe('Only this org (an org the caller is not in gives an empty list)'),
})

const actionList = z.array(z.enum(ACTIONS))
const folderActions = z.object({
  folder_id: z.string(),
  name: z.string(),
  actions: actionList.describe('What the caller may do to the reports (dashboards) inside'),
})
const meResponse = z.object({
  email: z.string(),
  kind: z.enum(['user', 'token']),
  root: z.boolean(),
  orgs: z.array(
    z.object({
      org: z.string(),
      roles: z.array(z.string()),
      admin: z
        .object({
          members: actionList,
          roles: actionList,
          tokens: actionList,
          folders: actionList,
          datasources: actionList,
        })
        .describe('Org-level management the routes of each area allow the caller'),
      folders: z.array(folderActions).describe('Report folders the caller may list'),
      dashboard_folders: z.array(folderActions).describe('Dashboard folders the caller may list'),
    }),
  ),
})

documentRoute({
  method: 'get',
  path: '/api/v2/me',
  summary:
    'The caller: email, orgs and roles, and per org the actions the API allows it (per folder, and org administration), from the same authorization decisions the routes make',
  tag: 'orgs',
  query: meQuery,
  response: meResponse,
})

export const orgRoutes = new Hono<AppEnv>()
  .post('/orgs', async (c) => {
    if (!c.get('principal').root) throw new ForbiddenError('Only the root user may create orgs')
    const body = await jsonBody(c, orgBody)
    await ensureOrg(c.get('deps').database, body.id, body.name ?? body.id)
    return ok(c, 'Org saved', { id: body.id })
  })
  .get('/me', async (c) => {
    const deps = c.get('deps')
    const { org } = queryOf(c, meQuery)
    const me = await describeMe(deps.database, c.get('principal'), {
      guardFor: deps.guardFor,
      datasourceAdmins: deps.datasources?.admins ?? 'org',
      org,
    })
    return c.json(me)
  })
