import type { MiddlewareHandler } from 'hono'
import { rolesInOrg } from '../../auth/membership.ts'
import { ForbiddenError, ValidationError } from '../../errors.ts'
import { ORG_ID_RE } from '../../lib/ids.ts'
import { ensureOrg } from '../../orgs/orgs.ts'
import type { AppEnv } from '../env.ts'

/** Resolves the principal from Basic or Bearer credentials; 401 otherwise. */
export const authenticate: MiddlewareHandler<AppEnv> = async function authenticate(c, next) {
  const deps = c.get('deps')
  c.set('principal', await deps.authenticator.authenticate(c.req.header('authorization')))
  await next()
}

/**
 * Builds the domain context for `/{org}/…` routes. The org comes only from the path; the actor
 * must be a member of it (the root user is a member of every org, and creates it on first use).
 */
export const orgContext: MiddlewareHandler<AppEnv> = async function orgContext(c, next) {
  // Several sub-apps can share a mount path; the context is built once per request.
  if (c.get('ctx')) return next()
  const org = c.req.param('org') ?? ''
  if (!ORG_ID_RE.test(org)) {
    throw new ValidationError([
      { name: 'org', description: 'Org ids are 1-64 letters, digits, _ or -' },
    ])
  }
  const deps = c.get('deps')
  const principal = c.get('principal')
  const roles = await rolesInOrg(deps.database, principal, org)
  if (!roles) throw new ForbiddenError(`You are not a member of org ${org}`)
  if (principal.root) await ensureOrg(deps.database, org)
  c.set('ctx', {
    database: deps.database,
    clock: deps.clock,
    org,
    actor: principal,
    roles,
    guard: deps.guardFor(principal, org, roles),
    onReportsChanged: deps.onReportsChanged,
  })
  await next()
}
