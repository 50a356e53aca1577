import type { Context } from 'hono'

/** OpenObserve's success shape for actions: {"code":200,"message":…} plus extras. */
export function ok(c: Context, message: string, extra: Record<string, unknown> = {}): Response {
  return c.json({ code: 200, message, ...extra }, 200)
}

/**
 * JSON, labelled `application/hal+json` when the client asks for it (Mode's clients do): the
 * body is the same, its `_links` are HAL's.
 */
export function halJson(c: Context, body: unknown, status: 200 | 202 = 200): Response {
  const wantsHal = /application\/hal\+json/i.test(c.req.header('accept') ?? '')
  const res = c.json(body as object, status)
  if (wantsHal) res.headers.set('content-type', 'application/hal+json; charset=utf-8')
  return res
}
