import path from 'node:path'
import type { Config } from '../config.ts'
import { type Database, openPglite, openPostgres } from './client.ts'
import { migrateDatabase } from './migrate.ts'
import { lockDataDir } from './pglite-lock.ts'

export interface OpenedDatabase {
  database: Database
  close(): Promise<void>
}

/** Opens Herald's own database (PostgreSQL when DATABASE_URL is set, else embedded) and migrates it. */
export async function openAndMigrate(
  config: Pick<Config, 'databaseUrl' | 'dataDir'> & Partial<Pick<Config, 'dbPoolSize'>>,
): Promise<OpenedDatabase> {
  if (config.databaseUrl) {
    const database = openPostgres(config.databaseUrl, { max: config.dbPoolSize })
    await migrateDatabase(database, config.databaseUrl)
    return { database, close: () => database.close() }
  }
  const dir = path.join(config.dataDir, 'db')
  const unlock = lockDataDir(config.dataDir)
  try {
    const database = await openPglite(dir)
    await migrateDatabase(database)
    return {
      database,
      async close() {
        await database.close()
        unlock()
      },
    }
  } catch (err) {
    unlock()
    throw err
  }
}
