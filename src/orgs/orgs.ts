import { sql } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import { folders, orgs } from '../db/schema/index.ts'

// Orgs are never deleted, so once one is known to exist it stays known for the process.
const known = new WeakMap<Database, Set<string>>()

/**
 * Creates the org (and its two `default` folders) the first time it is used. Idempotent and safe
 * under concurrency: every insert is ON CONFLICT DO NOTHING.
 */
export async function ensureOrg(database: Database, org: string, name = org): Promise<void> {
  let set = known.get(database)
  if (!set) {
    set = new Set()
    known.set(database, set)
  }
  if (set.has(org)) return
  await database.db.transaction(async (tx) => {
    await tx.insert(orgs).values({ id: org, name }).onConflictDoNothing()
    await tx
      .insert(folders)
      .values([
        { org, type: 'reports', id: 'default', name: 'default', description: 'default' },
        { org, type: 'dashboards', id: 'default', name: 'default', description: 'default' },
      ])
      .onConflictDoNothing()
  })
  set.add(org)
}

export async function orgExists(database: Database, org: string): Promise<boolean> {
  if (known.get(database)?.has(org)) return true
  const rows = await database.rows(sql`select 1 from orgs where id = ${org}`)
  return rows.length > 0
}

export async function listOrgs(database: Database): Promise<{ id: string; name: string }[]> {
  return database.db.select({ id: orgs.id, name: orgs.name }).from(orgs).orderBy(orgs.id)
}
