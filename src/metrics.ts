import { sql } from 'drizzle-orm'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { Database } from './db/client.ts'

/**
 * Prometheus metrics of one process. A registry per instance (not prom-client's global one), so
 * several apps in one test process never collide.
 */
export class Metrics {
  readonly registry = new Registry()
  readonly httpDuration = new Histogram({
    name: 'herald_http_request_duration_seconds',
    help: 'HTTP request latency by route',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60],
    registers: [this.registry],
  })
  readonly schedulerLag = new Histogram({
    name: 'herald_scheduler_lag_seconds',
    help: 'Delay between a slot and the scheduler queueing its run (now - scheduled_for at claim)',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [this.registry],
  })
  readonly runStartLag = new Histogram({
    name: 'herald_run_start_lag_seconds',
    help: 'Delay between a run becoming due and a worker starting it',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
    registers: [this.registry],
  })
  readonly leaseExpiries = new Counter({
    name: 'herald_lease_expiries_total',
    help: 'Runs re-queued or failed because the worker holding them stopped renewing its lease',
    registers: [this.registry],
  })
  readonly renderDuration = new Histogram({
    name: 'herald_render_duration_seconds',
    help: 'Time to render one dashboard entry of a run',
    labelNames: ['format'] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  })

  constructor(database?: Database) {
    collectDefaultMetrics({ register: this.registry, prefix: 'herald_' })
    if (!database) return
    // States are read from the database at scrape time: every process reports the same truth.
    const runs = new Gauge({
      name: 'herald_runs',
      help: 'Runs by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const rows = await database.rows<{ state: string; n: number | string }>(
          sql`select state, count(*)::int as n from report_runs group by state`,
        )
        this.reset()
        for (const r of rows) this.set({ state: r.state }, Number(r.n))
      },
    })
    const deliveries = new Gauge({
      name: 'herald_deliveries',
      help: 'Deliveries by state',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const rows = await database.rows<{ state: string; n: number | string }>(
          sql`select state, count(*)::int as n from deliveries group by state`,
        )
        this.reset()
        for (const r of rows) this.set({ state: r.state }, Number(r.n))
      },
    })
    void runs
    void deliveries
  }
}
