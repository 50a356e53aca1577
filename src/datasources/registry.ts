import { and, eq, sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Database } from '../db/client.ts'
import { datasources } from '../db/schema/index.ts'
import { HostPolicy } from '../lib/host-patterns.ts'
import { type Connection, DatasourceRefusedError, type QueryLimits } from './connection.ts'
import { Dialer, type Resolver, targetsOf } from './dial.ts'
import { IDENTITY_SQL, identityOf, type ServerIdentity } from './identity.ts'
import { PostgresConnection } from './postgres.ts'
import { DatasourceConfigError } from './query.ts'
import type { SampleDatabase } from './sample.ts'
import { SecretBox } from './secret-box.ts'

/** The name under which every org has the built-in sample datasource. */
export const SAMPLE_NAME = 'sample'

export type DatasourceRow = typeof datasources.$inferSelect

export interface DatasourcesOptions {
  database: Database
  /** The server secret (ensureSecret): datasource URLs are sealed with a key derived from it. */
  secret: string
  sample: SampleDatabase
  limits: QueryLimits
  /** HERALD_DATASOURCE_ADMINS: `root` keeps creating, changing and deleting to the root user. */
  admins?: 'root' | 'org'
  /** HERALD_DATASOURCE_HOSTS patterns; default `*` (any host but loopback, link-local, metadata). */
  hosts?: string[]
  /** DNS (tests give a fixed table); the system resolver by default. */
  resolve?: Resolver
  /** How long saving waits for the server to answer the identity and role check. */
  probeTimeoutMs?: number
  log: Logger
}

interface Pool {
  version: number
  conn: PostgresConnection
}

/**
 * Resolves a panel's datasource name to a connection. Pools are cached per datasource and
 * version (`updated_at`): after a change in any process the next query opens a new pool and the
 * stale one is closed, as it is on delete and on shutdown.
 */
export class Datasources {
  readonly secrets: SecretBox
  readonly limits: QueryLimits
  readonly sample: SampleDatabase
  readonly admins: 'root' | 'org'
  private readonly database: Database
  private readonly log: Logger
  private readonly pools = new Map<string, Pool>()
  private readonly dialer: Dialer
  private readonly probeTimeoutMs: number
  private own: Promise<ServerIdentity | undefined> | undefined

  constructor(o: DatasourcesOptions) {
    this.database = o.database
    this.secrets = new SecretBox(o.secret)
    this.sample = o.sample
    this.limits = o.limits
    this.admins = o.admins ?? 'org'
    this.log = o.log
    this.dialer = new Dialer(new HostPolicy(o.hosts), o.resolve)
    this.probeTimeoutMs = o.probeTimeoutMs ?? 5000
  }

  /** Herald's own database (PostgreSQL only: PGlite is not reachable over TCP), read once. */
  private ownIdentity = (): Promise<ServerIdentity | undefined> => {
    if (this.database.kind !== 'postgres') return Promise.resolve(undefined)
    this.own ??= this.database.rows(sql.raw(IDENTITY_SQL)).then(
      (rows) => identityOf(rows[0] ?? {}),
      (err) => {
        this.own = undefined
        throw err
      },
    )
    return this.own
  }

  private open(url: string, maxConnections?: number, connectTimeoutMs?: number) {
    return new PostgresConnection(url, {
      maxConnections,
      dialer: this.dialer,
      own: this.ownIdentity,
      connectTimeoutMs,
    })
  }

  /**
   * The checks a URL must pass before it is saved: every host resolves and is allowed
   * (DatasourceRefusedError, or the DNS error), and, if the server answers within the probe
   * time, the target is not Herald's database and the role not a privileged one. A server that
   * does not answer (yet) is no reason to refuse: the same checks run on every connect.
   */
  async vet(url: string): Promise<void> {
    const targets = targetsOf(url)
    if (!targets) throw new DatasourceRefusedError('the URL names a Unix socket, not a TCP host')
    for (const t of targets) await this.dialer.addresses(t.host)
    const conn = this.open(url, 1, this.probeTimeoutMs)
    let timer: NodeJS.Timeout | undefined
    const probe = conn.readOnly({ timeoutMs: this.probeTimeoutMs, timeZone: 'UTC' }, (q) =>
      q('SELECT 1'),
    )
    // A server that accepts the connection but never answers must not hold the save either.
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.probeTimeoutMs + 500)
    })
    try {
      await Promise.race([probe, gaveUp])
    } catch (err) {
      if (err instanceof DatasourceRefusedError) throw err
    } finally {
      clearTimeout(timer)
      probe.catch(() => {})
      void conn.close(0).catch(() => {})
    }
  }

  async connect(org: string, name: string): Promise<Connection> {
    if (name === SAMPLE_NAME) return this.sample
    const [row] = await this.database.db
      .select()
      .from(datasources)
      .where(and(eq(datasources.org, org), eq(datasources.name, name)))
    if (!row) throw new DatasourceConfigError(`datasource "${name}" not found`)
    if (row.kind === 'sample') return this.sample
    const version = row.updatedAt.getTime()
    const cached = this.pools.get(row.id)
    if (cached?.version === version) return cached.conn
    if (cached) void this.retire(row.id, cached)
    if (!row.secret) throw new DatasourceConfigError(`datasource "${name}" has no connection URL`)
    let url: string
    try {
      url = this.secrets.open(row.secret, row.id)
    } catch (err) {
      throw new DatasourceConfigError(`datasource "${name}": ${(err as Error).message}`)
    }
    const options = row.options as { max_connections?: number }
    const conn = this.open(url, options.max_connections)
    this.pools.set(row.id, { version, conn })
    return conn
  }

  /**
   * What a datasource is now, as a string that changes whenever it does (its row's updated_at);
   * `missing` if there is none. The built-in sample never changes while the process runs.
   */
  async version(org: string, name: string): Promise<string> {
    if (name === SAMPLE_NAME) return SAMPLE_NAME
    const [row] = await this.database.db
      .select({ id: datasources.id, kind: datasources.kind, updatedAt: datasources.updatedAt })
      .from(datasources)
      .where(and(eq(datasources.org, org), eq(datasources.name, name)))
    if (!row) return 'missing'
    return row.kind === 'sample' ? SAMPLE_NAME : `${row.id}@${row.updatedAt.toISOString()}`
  }

  /** Closes the pool of a datasource that changed or went away. */
  async evict(id: string): Promise<void> {
    const pool = this.pools.get(id)
    if (pool) await this.retire(id, pool)
  }

  /** Closes every pool; the sample database belongs to whoever created it. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.pools].map(([id, pool]) => this.retire(id, pool)))
  }

  private async retire(id: string, pool: Pool): Promise<void> {
    if (this.pools.get(id) === pool) this.pools.delete(id)
    // Queries in flight finish (up to end()'s timeout) before the connections close.
    await pool.conn.close().catch((err) => this.log.warn({ err, id }, 'closing a datasource pool'))
  }
}
