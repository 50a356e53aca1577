import { readdirSync } from 'node:fs'
import path from 'node:path'
import { type ServerType, serve } from '@hono/node-server'
import type { Logger } from 'pino'
import { createApp } from './app.ts'
import { Authenticator } from './auth/principal.ts'
import { SignInThrottle } from './auth/sign-in-throttle.ts'
import { Authorizer, guardFactory } from './authz/authorizer.ts'
import { type Clock, systemClock } from './clock.ts'
import { type Config, ensureSecret } from './config.ts'
import { seedSampleDashboard } from './dashboards/seed-sample.ts'
import { Datasources } from './datasources/registry.ts'
import { SampleDatabase } from './datasources/sample.ts'
import type { Database } from './db/client.ts'
import { migrationsApplied, migrationsFolder } from './db/migrate.ts'
import { openAndMigrate } from './db/open.ts'
import {
  createMailer,
  type DeliveryDeps,
  deliverRun,
  deliverySettings,
  LinkSigner,
} from './delivery/index.ts'
import { createLogger } from './log.ts'
import { startMallocTrim } from './malloc-trim.ts'
import { Metrics } from './metrics.ts'
import { RenderPool } from './render/pool.ts'
import { executorFor, type RunExecutor } from './runs/executor.ts'
import { REPORTS_CHANNEL } from './runs/model.ts'
import { OwnerAlerts } from './runs/owner-alerts.ts'
import { ReportExecutor } from './runs/report-executor.ts'
import { RetentionJob } from './runs/retention.ts'
import { deliveryLedger } from './runs/store/deliveries.ts'
import { RunWaiter } from './runs/waiter.ts'
import { Worker } from './runs/worker.ts'
import { Scheduler } from './scheduler/scheduler.ts'
import { bootstrapRoot } from './users/bootstrap-root.ts'

export interface Herald {
  database: Database
  log: Logger
  port: number | undefined
  stop(): Promise<void>
}

export interface StartOptions {
  clock?: Clock
  log?: Logger
  executor?: RunExecutor
}

/** Starts the roles of one process (api, scheduler, worker) on one database. */
export async function startHerald(config: Config, opts: StartOptions = {}): Promise<Herald> {
  const log = opts.log ?? createLogger(config.logLevel)
  const clock = opts.clock ?? systemClock
  const mallocTrim = await startMallocTrim(config.mallocTrimMs, log)
  const secret = ensureSecret(config)
  const { database, close } = await openAndMigrate(config)
  await bootstrapRoot(database, config.rootEmail, config.rootPassword, log)
  if (config.seedSample) await seedSampleDashboard(database, clock, log)
  const expectedMigrations = readdirSync(migrationsFolder).filter((f) => f.endsWith('.sql')).length

  // Built once per process: one SMTP pool (or the outbox) for every run this process delivers.
  const mailer = createMailer({
    smtpUrl: config.smtpUrl,
    outboxDir: path.join(config.dataDir, 'outbox'),
  })
  const links = new LinkSigner(secret)
  const delivery: DeliveryDeps = {
    database,
    clock,
    log: log.child({ role: 'delivery' }),
    mailer,
    ledger: deliveryLedger(database),
    links,
    settings: deliverySettings(config),
  }

  // The sample database (DATA_DIR/sample) is created in the background now, not on the first
  // query: filling a new one takes seconds, and the first preview after start should not wait.
  // It costs ~350 MB, so only a process that may query it (api, worker) with the sample on starts
  // it; an api process also starts a render thread. Readiness waits for both, so a 200 from
  // /readyz means a preview answers at once.
  const sample = new SampleDatabase({ dataDir: path.join(config.dataDir, 'sample'), clock, log })
  const renderer = new RenderPool({
    threads: config.renderThreads,
    timeoutMs: config.renderTimeoutMs,
    heapMb: config.renderThreadHeapMb,
    log,
  })
  const warmups: Promise<void>[] = []
  if (config.seedSample && config.roles.some((r) => r === 'api' || r === 'worker')) {
    warmups.push(sample.warm())
    if (config.roles.includes('api')) warmups.push(renderer.warm())
  }
  let warmed = warmups.length === 0
  void Promise.all(warmups).then(() => {
    warmed = true
  })
  const datasources = new Datasources({
    database,
    secret,
    sample,
    limits: { timeoutMs: config.queryTimeoutMs, maxRows: config.queryMaxRows },
    admins: config.datasourceAdmins,
    hosts: config.datasourceHosts,
    log,
  })
  const reportExecutor = new ReportExecutor({
    database,
    datasources,
    renderer,
    maxRendering: 2 * config.renderThreads,
    clock,
    deliver: (input, runLog) => deliverRun({ ...delivery, log: runLog }, input),
  })

  const metrics = new Metrics(database)
  const scheduler = config.roles.includes('scheduler')
    ? new Scheduler({ database, clock, log, metrics, lookaheadMs: config.schedulerLookaheadMs })
    : undefined
  const worker = config.roles.includes('worker')
    ? new Worker({
        metrics,
        database,
        clock,
        log,
        executor: opts.executor ?? executorFor(config.executor, reportExecutor),
        concurrency: config.workerConcurrency,
        leaseMs: config.leaseMs,
      })
    : undefined
  const alerts = worker ? new OwnerAlerts(delivery) : undefined
  const retention = worker
    ? new RetentionJob({ database, clock, log, retentionDays: config.retentionDays })
    : undefined
  // An unreachable server is a warning, not a failed start: deliveries wait and retry.
  const verified = worker
    ? mailer.verify().then(
        () => log.info({ mail: mailer.kind, target: mailer.target }, 'mail transport ready'),
        (err) =>
          log.warn(
            { err, target: mailer.target },
            'SMTP server unreachable at start; deliveries will retry until it answers',
          ),
      )
    : undefined
  await scheduler?.start()
  await worker?.start()
  await alerts?.start()
  retention?.start()

  let server: ServerType | undefined
  let port: number | undefined
  let authz: Authorizer | undefined
  let authenticator: Authenticator | undefined
  if (config.roles.includes('api')) {
    // Built once, after migrations; LISTEN/NOTIFY keeps them in step with other processes.
    const policy = config.rbac ? await Authorizer.open(database, { log }) : undefined
    authz = policy
    authenticator = await Authenticator.open(database, config.rootEmail, {
      throttle: new SignInThrottle(database, config.signInThrottle, clock),
    })
    const app = createApp({
      database,
      config,
      clock,
      log,
      authenticator,
      guardFor: guardFactory(policy, config.rbac),
      onPolicyChanged: policy ? () => policy.changed() : undefined,
      waiter: new RunWaiter(database),
      metrics,
      links,
      datasources,
      renderer,
      onReportsChanged: () => void database.notify(REPORTS_CHANNEL, '').catch(() => {}),
      // A database that is down makes connects hang, not fail: readiness answers within 2 s.
      ready: () =>
        withTimeout(
          (async () => {
            if (!warmed) return false
            await database.ping()
            return migrationsApplied(database, expectedMigrations)
          })(),
          2000,
          false,
        ),
    })
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
        port = info.port
        log.info(
          { port: info.port, host: config.host, db: database.kind, roles: config.roles },
          'Herald listening',
        )
        resolve()
      })
    })
  }

  log.info({ roles: config.roles, db: database.kind }, 'Herald started')
  return {
    database,
    log,
    get port() {
      return port
    },
    async stop() {
      // Stop taking work first, then let what is running finish, then close the database.
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
      await scheduler?.stop()
      await worker?.stop(Math.max(0, config.shutdownTimeoutMs - 1000))
      await alerts?.stop()
      await retention?.stop()
      await datasources.close()
      await sample.close()
      await renderer.close()
      mallocTrim.stop()
      await verified
      await mailer.close()
      await authz?.close()
      await authenticator?.close()
      await close()
    },
  }
}

/** The promise's value, or `fallback` once `ms` have passed. */
function withTimeout<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms)
  })
  return Promise.race([p.catch(() => fallback), late]).finally(() => clearTimeout(timer))
}
