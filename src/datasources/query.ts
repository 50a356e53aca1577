import { Info } from 'luxon'
import type { BindValue } from '../render/bind-query.ts'
import { bindQuery } from '../render/bind-query.ts'
import type { Panel, PanelData } from '../render/types.ts'
import {
  type Connection,
  DatasourceRefusedError,
  DatasourceUnavailableError,
  type QueryLimits,
  type QueryResult,
  QueryTimeoutError,
} from './connection.ts'
import { readOnlyQueryProblem } from './sql-guard.ts'

/**
 * A panel's query failed. `permanent` says whether running the report again could help: an SQL
 * error, a missing datasource, the row cap or the time limit will fail the same way next time
 * (so the run fails at once, no retry storm); a refused connection may not.
 */
export class PanelQueryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message)
    this.name = 'PanelQueryError'
  }
}

/** Permanent problems found before any query runs (unknown datasource, undecryptable URL). */
export class DatasourceConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'DatasourceConfigError'
  }
}

class RowCapError extends Error {}

export interface PanelQueryParams {
  from: Date
  to: Date
  /** Variables after every override: names to a value or (multi-value) a list. */
  variables: Record<string, BindValue>
  /** The report's zone (luxon name): date_trunc buckets fall on local midnights. */
  timeZone: string
}

// SQLSTATE classes worth retrying: connection trouble, resources, the server shutting down,
// serialization conflicts.
const TRANSIENT_SQLSTATE = /^(08|53|57P0[1-4]|40001|40P01|55P03)/
const TRANSIENT_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
])

/** Whether a failure could go away on its own. Unknown errors are treated as transient. */
export function isTransient(err: unknown): boolean {
  if (err instanceof QueryTimeoutError || err instanceof RowCapError) return false
  if (err instanceof DatasourceConfigError || err instanceof DatasourceRefusedError) return false
  if (err instanceof DatasourceUnavailableError) return true
  const code = (err as { code?: unknown })?.code
  if (typeof code === 'string') {
    if (/^[0-9A-Z]{5}$/.test(code)) return TRANSIENT_SQLSTATE.test(code)
    return TRANSIENT_NODE_CODES.has(code)
  }
  return true
}

/**
 * The PostgreSQL `TimeZone` for a luxon zone name. Fixed offsets are written in POSIX form,
 * whose sign is the reverse of ISO's: UTC+5:30 is `<+0530>-05:30`.
 */
export function pgTimeZone(zoneName: string): string {
  const zone = Info.normalizeZone(zoneName)
  if (!zone.isValid) return 'UTC'
  if (zone.type === 'iana') return zone.name
  const minutes = zone.offset(0)
  if (minutes === 0) return 'UTC'
  const sign = minutes > 0 ? '+' : '-'
  const abs = Math.abs(minutes)
  const hh = String(Math.floor(abs / 60)).padStart(2, '0')
  const mm = String(abs % 60).padStart(2, '0')
  return `<${sign}${hh}${mm}>${sign === '+' ? '-' : '+'}${hh}:${mm}`
}

const NICE_INTERVALS_S = [
  1,
  5,
  10,
  15,
  30,
  60,
  300,
  600,
  900,
  1800,
  3600,
  3 * 3600,
  6 * 3600,
  12 * 3600,
  86_400,
  7 * 86_400,
  30 * 86_400,
]

/** `$__interval`: a round bucket width giving at most ~200 points over the range. */
export function intervalFor(from: Date, to: Date): number {
  const target = Math.max(1, (to.getTime() - from.getTime()) / 1000 / 200)
  return NICE_INTERVALS_S.find((s) => s >= target) ?? NICE_INTERVALS_S.at(-1)!
}

/**
 * Runs one panel's query on `conn`: bound parameters only, a READ ONLY transaction in the report's
 * zone, at most `limits.maxRows` rows fetched through a cursor (a huge result is never loaded),
 * and the whole thing within `limits.timeoutMs`.
 */
export async function runPanelQuery(
  conn: Connection,
  panel: Panel,
  params: PanelQueryParams,
  limits: QueryLimits,
): Promise<PanelData> {
  const label = `Panel "${panel.title || panel.id}"`
  if (!panel.query) return { columns: [], rows: [] }
  let bound: ReturnType<typeof bindQuery>
  try {
    bound = bindQuery(panel.query.sql, {
      from: params.from,
      to: params.to,
      intervalSeconds: intervalFor(params.from, params.to),
      variables: params.variables,
    })
  } catch (err) {
    throw new PanelQueryError(`${label}: ${(err as Error).message}`, true)
  }
  const problem = readOnlyQueryProblem(bound.text)
  if (problem) throw new PanelQueryError(`${label}: ${problem}`, true)
  const session = { timeoutMs: limits.timeoutMs, timeZone: pgTimeZone(params.timeZone) }
  try {
    return await conn.readOnly(session, async (q) => {
      await q(`DECLARE herald_panel NO SCROLL CURSOR FOR ${bound.text}`, bound.values)
      const res: QueryResult = await q(`FETCH FORWARD ${limits.maxRows + 1} FROM herald_panel`)
      if (res.rows.length > limits.maxRows) {
        throw new RowCapError(
          `the query returned more than ${limits.maxRows} rows (HERALD_QUERY_MAX_ROWS); ` +
            'aggregate it or add a LIMIT',
        )
      }
      return res
    })
  } catch (err) {
    const message = (err as Error)?.message ?? String(err)
    throw new PanelQueryError(`${label}: ${message}`, !isTransient(err))
  }
}
