import { randomBytes } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import postgres from 'postgres'
import { inject } from 'vitest'
import { type Database, openPglite, openPostgres, wrapPglite } from '../../src/db/client.ts'
import { migrateDatabase } from '../../src/db/migrate.ts'

/** DATABASE_URL selects real PostgreSQL for the integration tests; otherwise PGlite in memory. */
export const postgresUrl = process.env.DATABASE_URL || undefined

export interface TestDatabase {
  database: Database
  /** The URL of this file's own database (PostgreSQL only), for extra processes. */
  url?: string
  close(): Promise<void>
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

/**
 * The template the global setup (test/helpers/global-setup.ts) migrated for this run, if any.
 * Without it (a config that has no global setup) each file migrates its own database.
 */
function provided(key: 'templateDatabase' | 'templateDump'): string | undefined {
  try {
    return inject(key) || undefined
  } catch {
    return undefined
  }
}

/** A migrated database of its own for one test file: a clone of the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!postgresUrl) {
    const dump = provided('templateDump')
    if (!dump) {
      const database = await openPglite(undefined)
      await migrateDatabase(database)
      return { database, close: () => database.close() }
    }
    const { PGlite } = await import('@electric-sql/pglite')
    const pg = await PGlite.create({ loadDataDir: new Blob([await readFile(dump)]) })
    const database = await wrapPglite(pg)
    return { database, close: () => database.close() }
  }
  const name = `herald_t_${randomBytes(6).toString('hex')}`
  const admin = postgres(postgresUrl, { max: 1, onnotice: () => {} })
  const template = provided('templateDatabase')
  await admin.unsafe(
    template ? `create database ${name} template ${template}` : `create database ${name}`,
  )
  const url = withDatabase(postgresUrl, name)
  const database = openPostgres(url)
  if (!template) await migrateDatabase(database, url)
  return {
    database,
    url,
    async close() {
      await database.close()
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

/** An empty, unmigrated PostgreSQL database (for processes that migrate it themselves). */
export async function createEmptyPostgresDatabase(): Promise<{
  url: string
  drop(): Promise<void>
}> {
  if (!postgresUrl) throw new Error('createEmptyPostgresDatabase needs DATABASE_URL')
  const admin = postgres(postgresUrl, { max: 1, onnotice: () => {} })
  const name = `herald_e_${randomBytes(6).toString('hex')}`
  await admin.unsafe(`create database ${name}`)
  return {
    url: withDatabase(postgresUrl, name),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

/** Polls `fn` every 100 ms until it returns a value, for checks on other processes' work. */
export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  ms = 30_000,
): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Polls until `done` holds, every 20 ms, failing after `ms`; returns how long it took. */
export async function within(ms: number, done: () => Promise<boolean>): Promise<number> {
  const start = Date.now()
  for (;;) {
    if (await done()) return Date.now() - start
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/**
 * A database of its own with a login role that may only read (PostgreSQL only): what a
 * datasource should point at. `admin` runs set-up SQL in it as the superuser.
 */
export async function createReaderDatabase(): Promise<{
  url: string
  superuserUrl: string
  admin: postgres.Sql
  drop(): Promise<void>
}> {
  const empty = await createEmptyPostgresDatabase()
  const role = `herald_reader_${randomBytes(5).toString('hex')}`
  const password = randomBytes(12).toString('hex')
  const admin = postgres(empty.url, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create role ${role} login password '${password}'`)
  await admin.unsafe(`alter default privileges in schema public grant select on tables to ${role}`)
  await admin.unsafe(`grant usage on schema public to ${role}`)
  const u = new URL(empty.url)
  u.username = role
  u.password = password
  return {
    url: u.toString(),
    superuserUrl: empty.url,
    admin,
    async drop() {
      await admin.end()
      await empty.drop()
      const root = postgres(postgresUrl!, { max: 1, onnotice: () => {} })
      await root.unsafe(`drop role if exists ${role}`)
      await root.end()
    },
  }
}
