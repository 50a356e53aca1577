import type { Context } from 'hono'

/** OpenObserve's success shape for actions: {"code":200,"message":…} plus extras. */
export function ok(c: Context, message: string, extra: Record<string, unknown> = {}): Response {
  return c.json({ code: 200, message, ...extra }, 200)
}
