import { randomUUID } from 'node:crypto'
import type { HttpBindings } from '@hono/node-server'
import type { MiddlewareHandler } from 'hono'
import { routePath } from 'hono/route'
import type { AppDeps, AppEnv } from '../env.ts'

/** Gives every request an id (echoed as X-Request-Id) and logs one line when it ends. */
export function requestLog(deps: AppDeps): MiddlewareHandler<AppEnv> {
  return async function requestLogMiddleware(c, next) {
    const incoming = c.req.header('x-request-id')
    const requestId = incoming && /^[\w.-]{1,128}$/.test(incoming) ? incoming : randomUUID()
    c.set('requestId', requestId)
    const started = performance.now()
    // The header is set before the response exists. Set after, Hono copies the finished
    // response into a new one with a streamed body, which @hono/node-server then reads back
    // chunk by chunk (a fifth of a GET's CPU). On Node it goes on the ServerResponse, which
    // merges it into whatever response is written, errors included; a Headers object on every
    // response instead costs a GET ~5 µs more. Elsewhere (app.request) Hono's own headers.
    const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing
    if (outgoing) outgoing.setHeader('X-Request-Id', requestId)
    else c.header('X-Request-Id', requestId)
    await next()
    // A handler that returns a Response it built itself did not get Hono's prepared header.
    if (!outgoing && !c.res.headers.has('x-request-id')) c.header('X-Request-Id', requestId)
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
