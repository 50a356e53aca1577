import { pino } from 'pino'
import { createApp } from '../../src/app.ts'
import { Authenticator } from '../../src/auth/principal.ts'
import { SignInThrottle } from '../../src/auth/sign-in-throttle.ts'
import { Authorizer, guardFactory } from '../../src/authz/authorizer.ts'
import { FakeClock } from '../../src/clock.ts'
import type { SignInThrottleSettings } from '../../src/config.ts'
import type { Principal } from '../../src/context.ts'
import { systemResolver } from '../../src/datasources/dial.ts'
import { Datasources } from '../../src/datasources/registry.ts'
import { SampleDatabase } from '../../src/datasources/sample.ts'
import { openPostgres } from '../../src/db/client.ts'
import { LinkSigner } from '../../src/delivery/links.ts'
import { Metrics } from '../../src/metrics.ts'
import type { Guard } from '../../src/permissions.ts'
import { type Renderer, RenderPool } from '../../src/render/pool.ts'
import { RunWaiter } from '../../src/runs/waiter.ts'
import { bootstrapRoot } from '../../src/users/bootstrap-root.ts'
import { createUser, setMembership } from '../../src/users/users.ts'
import { createTestDatabase, type TestDatabase } from './db.ts'

export const ROOT_EMAIL = 'root@herald.test'
export const ROOT_PASSWORD = 'root-password-123'
/** Signs download links in tests; the app checks them with the same secret. */
export const TEST_SECRET = 'herald-test-secret-0123456789abcdef'
export const PUBLIC_URL = 'http://herald.test'

export function basic(email: string, password: string): string {
  return `Basic ${Buffer.from(`${email}:${password}`).toString('base64')}`
}

export interface Res {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: tests inspect arbitrary JSON
  body: any
  headers: Headers
  text: string
}

export interface TestApp {
  tdb: TestDatabase
  clock: FakeClock
  /** The Casbin enforcer behind the guards (absent with `rbac: false`). */
  authz: Authorizer | undefined
  app: ReturnType<typeof createApp>
  /** The signer the app checks /dl links with. */
  links: LinkSigner
  /** Datasource pools and the sample database the app (and a test's executor) query. */
  datasources: Datasources
  /** The render threads the app's previews (and a test's executor) draw with. */
  renderer: Renderer
  root: string
  request(
    method: string,
    path: string,
    opts?: { body?: unknown; auth?: string | null; headers?: Record<string, string>; raw?: string },
  ): Promise<Res>
  /** A user who is a member of `org` with these roles; returns its Authorization header. */
  member(org: string, roles?: string[], email?: string): Promise<string>
  close(): Promise<void>
}

let counter = 0

/**
 * DNS for tests: names under .example, .example.com and .test, and the bare `h`, resolve to
 * fixed addresses without a network (documentation range, or loopback for `*.loopback.test`);
 * anything else asks the system resolver.
 */
export async function testResolver(host: string): Promise<string[]> {
  const name = host.toLowerCase()
  if (name.endsWith('.loopback.test')) return ['127.0.0.1']
  if (name.endsWith('.metadata.test')) return ['198.51.100.7', '169.254.169.254']
  if (name.endsWith('.nowhere.test')) {
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), {
      code: 'ENOTFOUND',
      hostname: host,
    })
  }
  if (name === 'h' || /\.(example|example\.com|test)$/.test(name)) return ['198.51.100.7']
  return await systemResolver(host)
}

export interface TestAppOptions {
  now?: number
  /** Replaces the real guards (Casbin, or allow-all with `rbac: false`). */
  guardFor?: (p: Principal, org: string, roles: string[]) => Guard
  /** HERALD_RBAC: on (default) enforces the real policy; off lets any member do anything. */
  rbac?: boolean
  /**
   * A second "process" on another app's PostgreSQL database: its own connection and enforcer.
   * Needs DATABASE_URL.
   */
  sameDatabaseAs?: TestApp
  /**
   * The sample database to query (share one per test file: each costs ~1.5 s and ~350 MB). By
   * default one in memory, started only if a test queries it.
   */
  sample?: SampleDatabase
  /** Panel query limits (HERALD_QUERY_TIMEOUT_MS / HERALD_QUERY_MAX_ROWS). */
  queryLimits?: { timeoutMs: number; maxRows: number }
  /**
   * Sign-in throttling (HERALD_SIGNIN_*), on the test's fake clock. Off by default: files that
   * send wrong passwords on purpose must not lock each other out.
   */
  signInThrottle?: SignInThrottleSettings
  /** HERALD_TRUST_PROXY: X-Forwarded-For names the client (tests have no socket). */
  trustProxy?: boolean
  /** HERALD_METRICS_TOKEN. */
  metricsToken?: string
  /** HERALD_DATASOURCE_ADMINS (default `org`). */
  datasourceAdmins?: 'root' | 'org'
  /**
   * HERALD_DATASOURCE_HOSTS. Tests point datasources at the PostgreSQL on 127.0.0.1, so by default
   * loopback is listed besides `*`; pass `['*']` for the production default.
   */
  datasourceHosts?: string[]
  /** Draws PDFs and PNGs; by default a pool of two threads, started on the first render. */
  renderer?: Renderer
}

/** A test database of its own, or a new connection to another app's (PostgreSQL only). */
async function databaseFor(opts: TestAppOptions): Promise<TestDatabase> {
  const url = opts.sameDatabaseAs?.tdb.url
  if (!opts.sameDatabaseAs) return createTestDatabase()
  if (!url) throw new Error('sameDatabaseAs needs PostgreSQL (set DATABASE_URL)')
  const database = openPostgres(url)
  return { database, url, close: () => database.close() }
}

export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const tdb = await databaseFor(opts)
  const { database } = tdb
  const log = pino({ level: 'silent' })
  const clock = new FakeClock(opts.now ?? Date.parse('2026-11-23T10:00:00Z'))
  await bootstrapRoot(database, ROOT_EMAIL, ROOT_PASSWORD, log)
  const rbac = opts.rbac ?? true
  // The fingerprint poll is a fallback for lost notifications; tests rely on notifications.
  const authz = rbac ? await Authorizer.open(database, { log, pollMs: 0 }) : undefined
  const authenticator = await Authenticator.open(database, ROOT_EMAIL, {
    throttle: opts.signInThrottle
      ? new SignInThrottle(database, opts.signInThrottle, clock)
      : undefined,
  })
  const links = new LinkSigner(TEST_SECRET)
  const ownSample = opts.sample ? undefined : new SampleDatabase({ clock, log })
  const datasources = new Datasources({
    database,
    secret: TEST_SECRET,
    sample: opts.sample ?? ownSample!,
    limits: opts.queryLimits ?? { timeoutMs: 30_000, maxRows: 50_000 },
    admins: opts.datasourceAdmins,
    hosts: opts.datasourceHosts ?? ['*', '127.0.0.0/8', '::1', 'localhost'],
    resolve: testResolver,
    // Saving waits this long for a server that does not answer (documentation addresses).
    probeTimeoutMs: 300,
    log,
  })
  const ownRenderer = opts.renderer
    ? undefined
    : new RenderPool({ threads: 2, timeoutMs: 30_000, log })
  const renderer = opts.renderer ?? ownRenderer!
  const app = createApp({
    database,
    config: {
      rbac,
      publicUrl: PUBLIC_URL,
      metricsToken: opts.metricsToken,
      trustProxy: opts.trustProxy,
    },
    clock,
    log,
    authenticator,
    guardFor: opts.guardFor ?? guardFactory(authz, rbac),
    onPolicyChanged: authz ? () => authz.changed() : undefined,
    waiter: new RunWaiter(database),
    metrics: new Metrics(database),
    links,
    datasources,
    renderer,
    ready: async () => {
      await database.ping()
      return true
    },
  })
  const root = basic(ROOT_EMAIL, ROOT_PASSWORD)
  const request: TestApp['request'] = async (method, path, o = {}) => {
    const headers: Record<string, string> = { ...(o.headers ?? {}) }
    const auth = o.auth === undefined ? root : o.auth
    if (auth) headers.authorization = auth
    let body: string | undefined
    if (o.raw !== undefined) body = o.raw
    else if (o.body !== undefined) {
      body = JSON.stringify(o.body)
      headers['content-type'] ??= 'application/json'
    }
    const res = await app.request(path, { method, headers, body })
    const text = await res.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: res.status, body: json, headers: res.headers, text }
  }
  return {
    tdb,
    clock,
    authz,
    app,
    links,
    datasources,
    renderer,
    root,
    request,
    async member(org, roles = ['editor'], email) {
      const address = email ?? `user${++counter}-${Date.now()}@herald.test`
      const id = await createUser(database, { email: address, password: 'password-123' })
      await setMembership(database, org, id, roles)
      return basic(address, 'password-123')
    },
    async close() {
      await authz?.close()
      await authenticator.close()
      await datasources.close()
      await ownSample?.close()
      await ownRenderer?.close()
      await tdb.close()
    },
  }
}
