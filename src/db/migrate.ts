import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import type { Database } from './client.ts'

export const migrationsFolder = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../drizzle',
)

// Any constant works; it only has to be the same in every Herald process.
const MIGRATION_LOCK = 7_220_145_001

/**
 * Applies pending migrations. On PostgreSQL a session advisory lock serialises processes that
 * start together, so the second waits and then finds nothing to do.
 */
export async function migrateDatabase(database: Database, url?: string): Promise<void> {
  if (database.kind === 'pglite') {
    // Loaded here, not at the top: a process on PostgreSQL keeps drizzle's PGlite modules out.
    const { migrate: migratePglite } = await import('drizzle-orm/pglite/migrator')
    // biome-ignore lint/suspicious/noExplicitAny: the pglite migrator wants its own driver type
    await migratePglite(database.db as any, { migrationsFolder })
    return
  }
  if (!url) throw new Error('migrateDatabase: a PostgreSQL URL is required')
  const client = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK})`
    await migratePostgres(drizzlePostgres(client), { migrationsFolder })
    await client`select pg_advisory_unlock(${MIGRATION_LOCK})`
  } finally {
    await client.end({ timeout: 5 })
  }
}

/** Whether every migration in drizzle/ has been applied (for /readyz). */
export async function migrationsApplied(database: Database, expected: number): Promise<boolean> {
  const rows = await database.rows<{ n: number | string }>(
    sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
  )
  return Number(rows[0]?.n ?? 0) >= expected
}
