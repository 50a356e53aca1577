/**
 * Which PostgreSQL server and database a session is on, so a datasource can be compared with
 * Herald's own database even if that one's migrations table were renamed or dropped.
 */
export interface ServerIdentity {
  /** pg_control_system().system_identifier: unique per cluster (a replica shares it). */
  systemIdentifier: string | null
  /** pg_postmaster_start_time() as epoch seconds, microseconds included. */
  startedAt: string | null
  address: string | null
  port: number | null
  database: string
}

/**
 * Columns any role may read. pg_control_system() is often not granted, so it is called only when
 * the role may (an error would abort the session's transaction); the epoch keeps the start time
 * independent of the session's TimeZone.
 */
export const IDENTITY_COLUMNS = `
  CASE WHEN pg_catalog.has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE')
       THEN (SELECT system_identifier::text FROM pg_catalog.pg_control_system()) END AS system_identifier,
  extract(epoch FROM pg_catalog.pg_postmaster_start_time())::text AS started_at,
  pg_catalog.host(pg_catalog.inet_server_addr()) AS server_address,
  pg_catalog.inet_server_port() AS server_port,
  pg_catalog.current_database() AS database_name`

export const IDENTITY_SQL = `SELECT ${IDENTITY_COLUMNS}`

export function identityOf(row: Record<string, unknown>): ServerIdentity {
  const text = (v: unknown) => (v === null || v === undefined ? null : String(v))
  return {
    systemIdentifier: text(row.system_identifier),
    startedAt: text(row.started_at),
    address: text(row.server_address),
    port:
      row.server_port === null || row.server_port === undefined ? null : Number(row.server_port),
    database: String(row.database_name),
  }
}

/**
 * Same server, judged by the strongest fact both sides have: the system identifier, else the
 * postmaster's start time (to the microsecond), else the address and port the server accepted
 * the connection on (weakest: two servers behind tunnels may both say 127.0.0.1:5432).
 */
export function sameServer(a: ServerIdentity, b: ServerIdentity): boolean {
  if (a.systemIdentifier && b.systemIdentifier) return a.systemIdentifier === b.systemIdentifier
  if (a.startedAt && b.startedAt) return a.startedAt === b.startedAt
  return a.address !== null && a.address === b.address && a.port === b.port
}

export function sameDatabase(a: ServerIdentity, b: ServerIdentity): boolean {
  return a.database === b.database && sameServer(a, b)
}
