import { Hono } from 'hono'
import type { AppEnv } from '../env.ts'
import { envelope } from '../errors.ts'
import { metricsAccess } from '../middleware/metrics-access.ts'
import { documentRoute } from '../openapi.ts'

documentRoute({ method: 'get', path: '/healthz', summary: 'Liveness', tag: 'health', public: true })
documentRoute({
  method: 'get',
  path: '/readyz',
  summary: 'Readiness: database reachable and migrations applied',
  tag: 'health',
  public: true,
  responses: { '200': 'Ready', '503': 'Not ready' },
})

documentRoute({
  method: 'get',
  path: '/metrics',
  summary: 'Prometheus metrics (bearer HERALD_METRICS_TOKEN, or the root user)',
  tag: 'health',
  responses: { '200': 'Metrics', '401': 'No or wrong credential', '403': 'Not the root user' },
})

export const healthRoutes = new Hono<AppEnv>()
  .get('/healthz', (c) => c.json({ status: 'ok' }))
  .get('/readyz', async (c) => {
    const ready = await c
      .get('deps')
      .ready()
      .catch(() => false)
    if (!ready) return envelope(c, 'unavailable', 'Database unreachable or migrations pending')
    return c.json({ status: 'ready' })
  })
  .get('/metrics', metricsAccess, async (c) => {
    const metrics = c.get('deps').metrics
    if (!metrics) return envelope(c, 'not_found', 'Metrics are not enabled in this process')
    c.header('Content-Type', metrics.registry.contentType)
    return c.body(await metrics.registry.metrics())
  })
