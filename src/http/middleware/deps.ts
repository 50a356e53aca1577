import type { MiddlewareHandler } from 'hono'
import type { AppDeps, AppEnv } from '../env.ts'

/** Hands every request the app's dependencies (database, clock, logger, …) and nothing else. */
export function provideDeps(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async function provideDepsMiddleware(c, next) {
    c.set('deps', deps)
    c.set('log', deps.log)
    await next()
  }
}
