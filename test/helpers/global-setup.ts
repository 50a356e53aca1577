import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import postgres from 'postgres'
import type { TestProject } from 'vitest/node'
import { openPostgres, wrapPglite } from '../../src/db/client.ts'
import { migrateDatabase } from '../../src/db/migrate.ts'
import { postgresUrl, withDatabase } from './db.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL: the migrated template database each file's database is created from. */
    templateDatabase: string
    /** PGlite: a dump of a migrated data directory each file's database is loaded from. */
    templateDump: string
  }
}

/**
 * Migrates one template database per `npm test` run, so each file clones it instead of running
 * every migration again (a PGlite migration costs ~2.5 s, loading a dump under 1 s).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (postgresUrl) {
    const name = `herald_tpl_${randomBytes(6).toString('hex')}`
    const admin = postgres(postgresUrl, { max: 1, onnotice: () => {} })
    await admin.unsafe(`create database ${name}`)
    const url = withDatabase(postgresUrl, name)
    const database = openPostgres(url, { max: 1 })
    await migrateDatabase(database, url)
    // CREATE DATABASE … TEMPLATE refuses while anyone is connected to the template.
    await database.close()
    project.provide('templateDatabase', name)
    project.provide('templateDump', '')
    return async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    }
  }
  const { PGlite } = await import('@electric-sql/pglite')
  const pg = await PGlite.create()
  await migrateDatabase(await wrapPglite(pg))
  const dump = await pg.dumpDataDir('none')
  await pg.close()
  const dir = await mkdtemp(path.join(tmpdir(), 'herald-tpl-'))
  const file = path.join(dir, 'template.tar')
  await writeFile(file, Buffer.from(await dump.arrayBuffer()))
  project.provide('templateDatabase', '')
  project.provide('templateDump', file)
  return async () => {
    await rm(dir, { recursive: true, force: true })
  }
}
