import postgres from 'postgres'
import {
  type Connection,
  DatasourceRefusedError,
  type QueryResult,
  QueryTimeoutError,
  type SessionOptions,
  type Statement,
} from './connection.ts'
import type { Dialer } from './dial.ts'
import { targetsOf } from './dial.ts'
import { IDENTITY_COLUMNS, identityOf, type ServerIdentity, sameDatabase } from './identity.ts'

// Past the server-side statement_timeout, the client cancels by itself: a server that stopped
// answering must not hold a run either.
const CLIENT_GRACE_MS = 1000

// A role's memberships can change on the server; a verdict is trusted this long.
const GUARD_TTL_MS = 5 * 60_000

/**
 * Facts about the session's database and role, from catalogs every role may read. Herald's own
 * database is recognised by its migrations table (any Herald database is refused, not only this
 * process's); the roles are the ones that turn a read-only SELECT into reading server files
 * (`pg_read_file`) or running programs (`COPY … TO PROGRAM`).
 */
const GUARD_SQL = `SELECT
  (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) AS superuser,
  EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = 'drizzle' AND c.relname = '__drizzle_migrations') AS herald,
  array_remove(ARRAY[
    CASE WHEN pg_has_role(current_user, 'pg_read_server_files', 'MEMBER') THEN 'pg_read_server_files' END,
    CASE WHEN pg_has_role(current_user, 'pg_write_server_files', 'MEMBER') THEN 'pg_write_server_files' END,
    CASE WHEN pg_has_role(current_user, 'pg_execute_server_program', 'MEMBER') THEN 'pg_execute_server_program' END
  ], NULL) AS privileged,
  current_user AS role,${IDENTITY_COLUMNS}`

/** Why Herald refuses to query through this session, or undefined when it may. */
export function refusalOf(row: Record<string, unknown>, own?: ServerIdentity): string | undefined {
  if (own && sameDatabase(identityOf(row), own)) {
    return "this datasource points at Herald's own database (the same PostgreSQL server and database name); Herald never queries its own data through a datasource"
  }
  if (row.herald) {
    return "this datasource points at a Herald database (it has Herald's migrations table); Herald never queries its own data through a datasource"
  }
  if (row.superuser) {
    return `the role ${String(row.role)} is a superuser; give Herald a read-only role instead (see the README)`
  }
  const privileged = (row.privileged as string[] | null) ?? []
  if (privileged.length > 0) {
    return `the role ${String(row.role)} is a member of ${privileged.join(', ')}; give Herald a read-only role instead (see the README)`
  }
  return undefined
}

export interface PostgresConnectionOptions {
  maxConnections?: number
  /** Resolves, checks (HERALD_DATASOURCE_HOSTS) and opens every connection's socket. */
  dialer: Dialer
  /** Herald's own database, when it is on PostgreSQL. */
  own?: () => Promise<ServerIdentity | undefined>
  connectTimeoutMs?: number
}

/** A small pool on an external PostgreSQL database, for panel queries only. */
export class PostgresConnection implements Connection {
  private readonly sql: postgres.Sql
  private verifiedAt = Number.NEGATIVE_INFINITY

  private readonly own: () => Promise<ServerIdentity | undefined>

  constructor(url: string, opts: PostgresConnectionOptions) {
    const targets = targetsOf(url)
    const timeoutMs = opts.connectTimeoutMs ?? 10_000
    this.own = opts.own ?? (async () => undefined)
    this.sql = postgres(url, {
      max: opts.maxConnections ?? 4,
      // Idle pools of datasources nobody queries any more give their connections back.
      idle_timeout: 60,
      connect_timeout: timeoutMs / 1000,
      // Not in postgres.js's types, but its documented way to supply the socket.
      ...({
        socket: () => {
          if (!targets) {
            throw new DatasourceRefusedError('Datasource refused: the URL names a Unix socket')
          }
          return opts.dialer.connect(targets, timeoutMs)
        },
      } as object),
      onnotice: () => {},
      connection: { application_name: 'herald-panels' },
    })
  }

  async readOnly<T>(opts: SessionOptions, fn: (q: Statement) => Promise<T>): Promise<T> {
    let current: postgres.PendingQuery<postgres.Row[]> | undefined
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      current?.cancel()
    }, opts.timeoutMs + CLIENT_GRACE_MS)
    try {
      const result = await this.sql.begin('read only', async (tx) => {
        const q: Statement = async (text, values = []) => {
          // `simple: false` forces the extended protocol even without parameters, so a panel's
          // SQL can never smuggle a COMMIT and a second statement after it.
          const options = { simple: false } as postgres.UnsafeQueryOptions
          current = tx.unsafe(text, values as postgres.ParameterOrJSON<never>[], options)
          const result = await current
          return {
            columns: (result.columns ?? []).map((c) => c.name),
            rows: [...result],
          } satisfies QueryResult
        }
        await q(
          "SELECT set_config('statement_timeout', $1, true), set_config('TimeZone', $2, true)",
          [String(opts.timeoutMs), opts.timeZone],
        )
        await this.verify(q)
        return { value: await fn(q) }
      })
      return (result as { value: T }).value
    } catch (err) {
      if (timedOut || (err as { code?: string }).code === '57014') {
        throw new QueryTimeoutError(opts.timeoutMs)
      }
      throw err
    } finally {
      clearTimeout(timer)
    }
  }

  /** Checked in the session itself, so the verdict is about the very server and role queried. */
  private async verify(q: Statement): Promise<void> {
    const now = Date.now()
    if (now - this.verifiedAt < GUARD_TTL_MS) return
    const { rows } = await q(GUARD_SQL)
    const refusal = refusalOf(rows[0] ?? {}, await this.own())
    if (refusal) throw new DatasourceRefusedError(`Datasource refused: ${refusal}`)
    this.verifiedAt = now
  }

  /** Waits up to `timeoutS` for queries in flight, then drops the connections. */
  async close(timeoutS = 5): Promise<void> {
    await this.sql.end({ timeout: timeoutS })
  }
}
