import type { PGlite } from '@electric-sql/pglite'
import type { SQL } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { createPgliteDirIfMissing, pgliteStartParams } from './pglite-settings.ts'
import * as schema from './schema/index.ts'

export type Schema = typeof schema
export type Db = PgDatabase<PgQueryResultHKT, Schema>
/** A transaction or the database: query helpers accept either. */
export type Executor = Pick<
  Db,
  'select' | 'insert' | 'update' | 'delete' | 'execute' | 'transaction'
>

export type Listener = (payload: string) => void

/**
 * Herald's handle on its database, whichever engine is behind it. Everything that differs between
 * postgres.js and PGlite is hidden here.
 */
export interface Database {
  readonly kind: 'postgres' | 'pglite'
  readonly db: Db
  /** Raw rows of a query, whichever driver (PGlite returns {rows}, postgres.js an array). */
  rows<T = Record<string, unknown>>(query: SQL, tx?: Executor): Promise<T[]>
  /**
   * A fixed SQL text with $n parameters, as a prepared statement reused on each connection. For
   * the worker's hot statements: postgres.js sends any other parameterised statement unnamed,
   * which costs a Describe round trip before every execution. Values arrive as the driver
   * decodes them (timestamps as text on postgres.js); decode them by column (row-mapper.ts).
   */
  query<T = Record<string, unknown>>(text: string, params: unknown[]): Promise<T[]>
  listen(channel: string, fn: Listener): Promise<() => Promise<void>>
  notify(channel: string, payload: string): Promise<void>
  ping(): Promise<void>
  close(): Promise<void>
}

function rowsOf<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[]
  return ((result as { rows?: T[] }).rows ?? []) as T[]
}

export interface PostgresOptions {
  max?: number
  /** Called for every statement sent (benchmarks count queries with it). */
  onQuery?: () => void
}

export function openPostgres(url: string, opts: PostgresOptions = {}): Database {
  const client = postgres(url, {
    max: opts.max ?? 10,
    onnotice: () => {},
    ...(opts.onQuery ? { debug: opts.onQuery } : {}),
    connection: { application_name: 'herald' },
  })
  const db = drizzlePostgres(client, { schema }) as unknown as Db
  return {
    kind: 'postgres',
    db,
    async rows<T>(query: SQL, tx?: Executor) {
      return rowsOf<T>(await (tx ?? db).execute(query))
    },
    async query<T>(text: string, params: unknown[]) {
      return (await client.unsafe(text, params as never[], { prepare: true })) as unknown as T[]
    },
    async listen(channel, fn) {
      const sub = await client.listen(channel, fn)
      return async () => sub.unlisten()
    },
    async notify(channel, payload) {
      await client.notify(channel, payload)
    },
    async ping() {
      await client`select 1`
    },
    async close() {
      await client.end({ timeout: 5 })
    },
  }
}

// PGlite (and drizzle's PGlite driver, which imports it) costs ~45 MB of RSS once loaded: a
// process on PostgreSQL loads neither, so both are imported only when PGlite is opened.
export async function wrapPglite(pg: PGlite): Promise<Database> {
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite')
  const db = drizzlePglite(pg, { schema }) as unknown as Db
  return {
    kind: 'pglite',
    db,
    async rows<T>(query: SQL, tx?: Executor) {
      return rowsOf<T>(await (tx ?? db).execute(query))
    },
    async query<T>(text: string, params: unknown[]) {
      return (await pg.query<T>(text, params)).rows
    },
    async listen(channel, fn) {
      const unsub = await pg.listen(channel, fn)
      return async () => unsub()
    },
    async notify(channel, payload) {
      await pg.query('select pg_notify($1, $2)', [channel, payload])
    },
    async ping() {
      await pg.query('select 1')
    },
    async close() {
      if (!pg.closed) await pg.close()
    },
  }
}

export async function openPglite(dataDir: string | undefined): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite')
  const startParams = pgliteStartParams(PGlite.defaultStartParams, '32MB')
  if (dataDir) await createPgliteDirIfMissing(dataDir)
  const pg = dataDir
    ? await PGlite.create(dataDir, { startParams })
    : await PGlite.create({ startParams })
  return wrapPglite(pg)
}
