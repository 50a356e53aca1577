import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import path from 'node:path'
import { z } from 'zod'
import { hostPatternProblems, splitHostPatterns } from './lib/host-patterns.ts'
import { parseMailbox, parseSmtpUrl } from './lib/smtp-url.ts'

/**
 * The only reader of process.env. Everything else receives a validated Config.
 */

const ROLES = ['api', 'scheduler', 'worker'] as const
export type Role = (typeof ROLES)[number]

const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'on', 'off', 'yes', 'no'], {
      message: 'expected one of true, false, on, off, 1, 0',
    })
    .optional()
    .transform((v) => (v === undefined ? def : ['true', '1', 'on', 'yes'].includes(v)))

const int = (def: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return def
      const n = Number(v)
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `expected an integer from ${min} to ${max}` })
        return z.NEVER
      }
      return n
    })

const url = (protocols: string[]) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return undefined
      let parsed: URL
      try {
        parsed = new URL(v)
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected a URL' })
        return z.NEVER
      }
      if (!protocols.includes(parsed.protocol)) {
        ctx.addIssue({ code: 'custom', message: `expected a ${protocols.join(' or ')} URL` })
        return z.NEVER
      }
      return v
    })

const smtpUrl = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return undefined
    for (const message of parseSmtpUrl(v).problems) ctx.addIssue({ code: 'custom', message })
    return v
  })

const mailbox = (def?: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const text = v ?? def
      if (text === undefined) return undefined
      if (!parseMailbox(text)) {
        ctx.addIssue({
          code: 'custom',
          message: 'expected one address, e.g. Herald <herald@example.com>',
        })
        return z.NEVER
      }
      return text
    })

/**
 * Defaults taken from the machine, so a process holds a 09:00 burst without tuning. Runs in
 * flight are cheap while they wait (on SMTP, on a render thread), so a worker may hold many;
 * what they render is bounded separately by the render threads (see ReportExecutor). The
 * database pool serves the API and the worker's claims and writes at once.
 */
const cores = availableParallelism()
export const machine = {
  cores,
  workerConcurrency: Math.min(1024, 32 * cores),
  dbPoolSize: Math.max(10, 4 * cores),
}

const envSchema = z.object({
  PORT: int(5080, 0, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  DATA_DIR: z.string().min(1).default('./data'),
  HERALD_ROOT_EMAIL: z.email({ message: 'expected an email address' }).default('root@example.com'),
  HERALD_ROOT_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  HERALD_ROLES: z
    .string()
    .default('api,scheduler,worker')
    .transform((v, ctx) => {
      const roles = v
        .split(',')
        .map((r) => r.trim())
        .filter(Boolean)
      const bad = roles.filter((r) => !(ROLES as readonly string[]).includes(r))
      if (bad.length > 0 || roles.length === 0) {
        ctx.addIssue({ code: 'custom', message: `expected a comma list of ${ROLES.join(', ')}` })
        return z.NEVER
      }
      return [...new Set(roles)] as Role[]
    }),
  HERALD_RBAC: z.enum(['on', 'off']).default('on'),
  HERALD_WORKER_CONCURRENCY: int(machine.workerConcurrency, 1, 1024),
  HERALD_LEASE_MS: int(60_000, 500, 3_600_000),
  HERALD_RENDER_THREADS: int(machine.cores, 1, 256),
  HERALD_DB_POOL_SIZE: int(machine.dbPoolSize, 1, 1000),
  HERALD_RENDER_TIMEOUT_MS: int(60_000, 100, 3_600_000),
  HERALD_RENDER_THREAD_HEAP_MB: int(256, 64, 16_384),
  HERALD_MALLOC_TRIM_MS: int(2_000, 0, 3_600_000),
  HERALD_SCHEDULER_LOOKAHEAD_MS: int(10_000, 0, 300_000),
  // For benchmarks and drills only: `noop` succeeds at once, `sleep:<ms>` waits then succeeds.
  HERALD_EXECUTOR: z
    .string()
    .regex(/^(default|noop|sleep:\d{1,7})$/, 'expected default, noop or sleep:<ms>')
    .default('default'),
  SMTP_URL: smtpUrl,
  SMTP_FROM: mailbox('Herald <herald@localhost>'),
  SMTP_REPLY_TO: mailbox(),
  PUBLIC_URL: url(['http:', 'https:']),
  HERALD_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  HERALD_MAX_ATTACHMENT_MB: int(10, 1, 1024),
  HERALD_RETENTION_DAYS: int(30, 1, 3650),
  HERALD_DELIVERY_BACKOFF_MS: z
    .string()
    .regex(/^\d{1,9}(,\d{1,9}){0,9}$/, 'expected comma-separated milliseconds, e.g. 30000,120000')
    .default('30000,120000,480000,1800000')
    .transform((v) => v.split(',').map(Number)),
  HERALD_QUERY_TIMEOUT_MS: int(30_000, 100, 3_600_000),
  HERALD_QUERY_MAX_ROWS: int(50_000, 1, 10_000_000),
  HERALD_DATASOURCE_ADMINS: z.enum(['root', 'org']).default('org'),
  HERALD_DATASOURCE_HOSTS: z
    .string()
    .default('*')
    .transform((v, ctx) => {
      const patterns = splitHostPatterns(v)
      for (const message of hostPatternProblems(patterns)) ctx.addIssue({ code: 'custom', message })
      return patterns
    }),
  HERALD_SHUTDOWN_TIMEOUT_MS: int(10_000, 0, 600_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HERALD_SEED_SAMPLE: bool(true),
  HERALD_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  HERALD_SIGNIN_MAX_FAILURES: int(5, 1, 1000),
  HERALD_SIGNIN_MAX_ADDRESS_FAILURES: int(20, 1, 100_000),
  HERALD_SIGNIN_LOCKOUT_SECONDS: int(60, 1, 86_400),
  HERALD_SIGNIN_MAX_LOCKOUT_SECONDS: int(900, 1, 604_800),
  HERALD_TRUST_PROXY: bool(false),
})

export interface SignInThrottleSettings {
  /** Failed sign-ins of one account before it is locked out (HERALD_SIGNIN_MAX_FAILURES). */
  maxFailures: number
  /** Failed sign-ins from one client address, over all accounts (HERALD_SIGNIN_MAX_ADDRESS_FAILURES). */
  maxAddressFailures: number
  /** The first lockout; each next one doubles (HERALD_SIGNIN_LOCKOUT_SECONDS). */
  lockoutSeconds: number
  /** The longest lockout (HERALD_SIGNIN_MAX_LOCKOUT_SECONDS). */
  maxLockoutSeconds: number
}

export interface Config {
  port: number
  host: string
  databaseUrl: string | undefined
  dataDir: string
  rootEmail: string
  rootPassword: string | undefined
  roles: Role[]
  rbac: boolean
  workerConcurrency: number
  leaseMs: number
  /** Connections in Herald's PostgreSQL pool. */
  dbPoolSize: number
  /** Worker threads drawing PDFs and PNGs, off the event loop; one per core by default. */
  renderThreads: number
  /** Longest one PDF or PNG may take to draw; past it the run fails and its thread is replaced. */
  renderTimeoutMs: number
  /** Most JavaScript heap one render thread may use; a render needing more fails its run. */
  renderThreadHeapMb: number
  /** How often freed C heap is given back to the OS (glibc only; src/malloc-trim.ts); 0: never. */
  mallocTrimMs: number
  schedulerLookaheadMs: number
  executor: string
  smtpUrl: string | undefined
  smtpFrom: string
  smtpReplyTo: string | undefined
  publicUrl: string
  secret: string
  maxAttachmentBytes: number
  retentionDays: number
  /** Waits before each retry of a recipient after a transient SMTP failure. */
  deliveryBackoffMs: number[]
  /** Longest a panel query may run; it fails the run, never the process. */
  queryTimeoutMs: number
  /** Most rows a panel query may return. */
  queryMaxRows: number
  /** Who may create, update and delete datasources: the root user only, or org admins too. */
  datasourceAdmins: 'root' | 'org'
  /** Host patterns datasource URLs may point at (after DNS); loopback only when listed. */
  datasourceHosts: string[]
  shutdownTimeoutMs: number
  logLevel: string
  seedSample: boolean
  /** A bearer token that may scrape /metrics (besides the root user). */
  metricsToken?: string
  /** Failed sign-ins allowed before a lockout, and how long lockouts last (they double). */
  signInThrottle: SignInThrottleSettings
  /** Count X-Forwarded-For's first hop as the client address (only behind a proxy that sets it). */
  trustProxy: boolean
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'ConfigError'
  }
}

/** Parses an environment into a Config; throws ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset", as in most deployment tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''))
  const result = envSchema.safeParse(cleaned)
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`),
    )
  }
  const e = result.data
  const dataDir = path.resolve(e.DATA_DIR)
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    rootEmail: e.HERALD_ROOT_EMAIL.toLowerCase(),
    rootPassword: e.HERALD_ROOT_PASSWORD,
    roles: e.HERALD_ROLES,
    rbac: e.HERALD_RBAC === 'on',
    workerConcurrency: e.HERALD_WORKER_CONCURRENCY,
    leaseMs: e.HERALD_LEASE_MS,
    dbPoolSize: e.HERALD_DB_POOL_SIZE,
    renderThreads: e.HERALD_RENDER_THREADS,
    renderTimeoutMs: e.HERALD_RENDER_TIMEOUT_MS,
    renderThreadHeapMb: e.HERALD_RENDER_THREAD_HEAP_MB,
    mallocTrimMs: e.HERALD_MALLOC_TRIM_MS,
    schedulerLookaheadMs: e.HERALD_SCHEDULER_LOOKAHEAD_MS,
    executor: e.HERALD_EXECUTOR,
    smtpUrl: e.SMTP_URL,
    smtpFrom: e.SMTP_FROM!,
    smtpReplyTo: e.SMTP_REPLY_TO,
    publicUrl: (e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
    secret: e.HERALD_SECRET ?? '',
    maxAttachmentBytes: e.HERALD_MAX_ATTACHMENT_MB * 1024 * 1024,
    retentionDays: e.HERALD_RETENTION_DAYS,
    deliveryBackoffMs: e.HERALD_DELIVERY_BACKOFF_MS,
    queryTimeoutMs: e.HERALD_QUERY_TIMEOUT_MS,
    queryMaxRows: e.HERALD_QUERY_MAX_ROWS,
    datasourceAdmins: e.HERALD_DATASOURCE_ADMINS,
    datasourceHosts: e.HERALD_DATASOURCE_HOSTS,
    shutdownTimeoutMs: e.HERALD_SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    seedSample: e.HERALD_SEED_SAMPLE,
    metricsToken: e.HERALD_METRICS_TOKEN,
    signInThrottle: {
      maxFailures: e.HERALD_SIGNIN_MAX_FAILURES,
      maxAddressFailures: e.HERALD_SIGNIN_MAX_ADDRESS_FAILURES,
      lockoutSeconds: e.HERALD_SIGNIN_LOCKOUT_SECONDS,
      maxLockoutSeconds: Math.max(
        e.HERALD_SIGNIN_MAX_LOCKOUT_SECONDS,
        e.HERALD_SIGNIN_LOCKOUT_SECONDS,
      ),
    },
    trustProxy: e.HERALD_TRUST_PROXY,
  }
}

/** Reads process.env (the one place that does). */
export function loadConfig(): Config {
  return parseConfig(process.env)
}

/** Environment for CLI client commands (trigger, runs), which talk to a running server. */
export function clientEnv(): { url: string; token: string | undefined } {
  return {
    url: (process.env.HERALD_URL ?? 'http://127.0.0.1:5080').replace(/\/+$/, ''),
    token: process.env.HERALD_TOKEN,
  }
}

/**
 * HERALD_SECRET when set; otherwise one generated on first start and kept in DATA_DIR so signed
 * links stay valid across restarts.
 */
export function ensureSecret(config: Config): string {
  if (config.secret) return config.secret
  const file = path.join(config.dataDir, 'secret')
  try {
    return readFileSync(file, 'utf8').trim()
  } catch {
    mkdirSync(config.dataDir, { recursive: true })
    const secret = randomBytes(32).toString('base64url')
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' })
    return secret
  }
}
