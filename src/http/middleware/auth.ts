import type { Context, MiddlewareHandler } from 'hono'
import { getCookie } from 'hono/cookie'
import { rolesInOrg } from '../../auth/membership.ts'
import { sessionPrincipal } from '../../auth/sessions.ts'
import { auditDenial } from '../../authz/denials.ts'
import { AccessDeniedError } from '../../authz/require.ts'
import { ForbiddenError, ValidationError } from '../../errors.ts'
import { isReservedOrgId, ORG_ID_RE } from '../../lib/ids.ts'
import { ensureOrg } from '../../orgs/orgs.ts'
import { ORG_OBJECT } from '../../permissions.ts'
import { discardUpcomingRuns } from '../../runs/store/runs.ts'
import { clientAddress } from '../client-address.ts'
import type { AppEnv } from '../env.ts'

/** The browser session's cookie (see src/auth/sessions.ts). */
export const SESSION_COOKIE = 'herald_session'
/** Sent by Herald's own pages with every state-changing request signed in by cookie. */
export const CSRF_HEADER = 'x-herald-csrf'
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/**
 * Resolves the principal from Basic or Bearer credentials, or else the session cookie; 401
 * otherwise, 429 for a guesser. An Authorization header wins, so a script's credentials never mix with a browser's.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async function authenticate(c, next) {
  const deps = c.get('deps')
  const header = c.req.header('authorization')
  const cookie = header ? undefined : getCookie(c, SESSION_COOKIE)
  if (cookie) {
    refuseCrossSite(c)
    const now = deps.clock.now()
    const isRoot = (e: string) => deps.authenticator.isRoot(e)
    c.set('principal', await sessionPrincipal({ database: deps.database, now, isRoot }, cookie))
  } else {
    c.set('principal', await deps.authenticator.authenticate(header, clientAddress(c)))
  }
  await next()
}

/**
 * A browser attaches the cookie to any site's form post; only Herald's own script can add a
 * custom header (another origin would need a CORS preflight, which Herald never grants).
 */
export function refuseCrossSite(c: Context<AppEnv>): void {
  if (SAFE_METHODS.has(c.req.method)) return
  if (c.req.header(CSRF_HEADER) && c.req.header('sec-fetch-site') !== 'cross-site') return
  throw new ForbiddenError(
    'Cross-site request refused',
    `Requests signed in by the session cookie must send the ${CSRF_HEADER} header`,
  )
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
  if (isReservedOrgId(org)) {
    throw new ValidationError([
      { name: 'org', description: `"${org}" is an API version, not an org (reserved)` },
    ])
  }
  const deps = c.get('deps')
  const principal = c.get('principal')
  const roles = await rolesInOrg(deps.database, principal, org)
  if (!roles) {
    const err = new AccessDeniedError(ORG_OBJECT, 'member', `You are not a member of org ${org}`)
    await recordDenial(c, org, err)
    throw err
  }
  if (principal.root) await ensureOrg(deps.database, org)
  c.set('ctx', {
    database: deps.database,
    clock: deps.clock,
    org,
    actor: principal,
    roles,
    guard: deps.guardFor(principal, org, roles),
    discardUpcomingRuns,
    onReportsChanged: deps.onReportsChanged,
    onPolicyChanged: deps.onPolicyChanged,
    onCredentialsChanged: deps.authenticator.credentialsChanged,
  })
  await next()
  // Hono has already turned a thrown error into the response; the refusal is still on c.error.
  if (c.error instanceof AccessDeniedError) await recordDenial(c, org, c.error)
}

/** Every refusal by the authorization rules is logged and audited with who, what and where. */
async function recordDenial(c: Context<AppEnv>, org: string, err: AccessDeniedError) {
  const principal = c.get('principal')
  const denial = {
    org,
    actor: principal,
    object: err.object,
    action: err.action,
    method: c.req.method,
    path: c.req.path,
  }
  c.get('log')?.warn(
    {
      principal: `${principal.kind}:${principal.email}`,
      org,
      object: err.object,
      action: err.action,
    },
    'authorization denied',
  )
  // The refusal stands even if it cannot be recorded; the failure is logged instead.
  await auditDenial(c.get('deps').database, denial).catch((auditErr) =>
    c.get('log')?.error({ err: auditErr }, 'could not audit an authorization denial'),
  )
}
