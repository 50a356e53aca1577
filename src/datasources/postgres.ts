import postgres from 'postgres'
import {
  type Connection,
  type QueryResult,
  QueryTimeoutError,
  type SessionOptions,
  type Statement,
} from './connection.ts'

// Past the server-side statement_timeout, the client cancels by itself: a server that stopped
// answering must not hold a run either.
const CLIENT_GRACE_MS = 1000

export interface PostgresConnectionOptions {
  maxConnections?: number
}

/** A small pool on an external PostgreSQL database, for panel queries only. */
export class PostgresConnection implements Connection {
  private readonly sql: postgres.Sql

  constructor(url: string, opts: PostgresConnectionOptions = {}) {
    this.sql = postgres(url, {
      max: opts.maxConnections ?? 4,
      // Idle pools of datasources nobody queries any more give their connections back.
      idle_timeout: 60,
      connect_timeout: 10,
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

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 })
  }
}
