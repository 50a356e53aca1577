import { randomUUID } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import type { AppDeps, AppEnv } from '../env.ts'

/** Gives every request an id (echoed as X-Request-Id) and logs one line when it ends. */
export function requestLog(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async function requestLogMiddleware(c, next) {
    const incoming = c.req.header('x-request-id')
    const requestId = incoming && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID()
    c.set('requestId', requestId)
    c.set('log', deps.log)
    c.set('deps', deps)
    const started = performance.now()
    await next()
    c.header('X-Request-Id', requestId)
    const ms = performance.now() - started
    const route = routePath(c)
    deps.metrics?.httpDuration.observe(
      { method: c.req.method, route, status: String(c.res.status) },
      ms / 1000,
    )
    deps.log.info({
      requestId,
      method: c.req.method,
      route,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round(ms * 100) / 100,
    })
  }
}
