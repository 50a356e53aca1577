/** What every datasource engine offers panel queries, and the errors they share. */

export interface QueryResult {
  columns: string[]
  rows: Record<string, unknown>[]
}

/** One statement in the session; always the extended protocol, so never several statements. */
export type Statement = (text: string, values?: unknown[]) => Promise<QueryResult>

export interface SessionOptions {
  /** The whole session is abandoned (and the query cancelled) after this long. */
  timeoutMs: number
  /** PostgreSQL `TimeZone` for the session, e.g. `Asia/Kolkata` or `<+0530>-05:30`. */
  timeZone: string
}

export interface Connection {
  /** Runs `fn` in a READ ONLY transaction that is always rolled back. */
  readOnly<T>(opts: SessionOptions, fn: (q: Statement) => Promise<T>): Promise<T>
}

export interface QueryLimits {
  timeoutMs: number
  maxRows: number
}

/** The query ran past its time limit and was cancelled. */
export class QueryTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(
      `the query did not finish within ${timeoutMs} ms (HERALD_QUERY_TIMEOUT_MS) and was cancelled`,
    )
    this.name = 'QueryTimeoutError'
  }
}

/** The datasource cannot be reached right now; worth retrying later. */
export class DatasourceUnavailableError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DatasourceUnavailableError'
  }
}

/**
 * The datasource's target or role is one Herald refuses to query through (its own database, a
 * superuser, a role that may read server files or run programs). Permanent: the run fails.
 */
export class DatasourceRefusedError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DatasourceRefusedError'
  }
}
