import { timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { ForbiddenError } from '../../errors.ts'
import { clientAddress } from '../client-address.ts'
import type { AppEnv } from '../env.ts'

/**
 * /metrics counts runs and requests across every org, so it is not public: a scraper presents
 * `HERALD_METRICS_TOKEN` as a bearer token, or a person signs in as the root user. Org admins are
 * refused — the figures are about other orgs too.
 */
export const metricsAccess: MiddlewareHandler<AppEnv> = async function metricsAccess(c, next) {
  const deps = c.get('deps')
  const header = c.req.header('authorization')
  const token = deps.config.metricsToken
  if (token && header && sameSecret(header, `Bearer ${token}`)) return next()
  // Throws the usual 401 for a missing or wrong credential.
  const principal = await deps.authenticator.authenticate(header, clientAddress(c))
  if (!principal.root) {
    throw new ForbiddenError('Metrics are for the root user or the HERALD_METRICS_TOKEN bearer')
  }
  return next()
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
