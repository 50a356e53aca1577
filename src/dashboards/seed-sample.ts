import { and, eq, sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { Clock } from '../clock.ts'
import { sampleDashboard } from '../datasources/sample-dashboard.ts'
import type { Database } from '../db/client.ts'
import { dashboards } from '../db/schema/index.ts'
import { newId } from '../lib/ids.ts'
import { ensureOrg } from '../orgs/orgs.ts'
import { dashboardInputSchema } from './model.ts'

const ORG = 'default'
const FOLDER = 'default'
// Any constant: it only serialises processes that seed at the same moment.
const SEED_LOCK = 7_220_145_002

/**
 * First start: puts the "Sample sales" dashboard (on the built-in `sample` datasource) in the
 * default org's default dashboards folder, so a new user can send a useful report without
 * writing SQL. Skipped when a dashboard with that title already exists there (kept or renamed
 * by the user, it is theirs). Returns the new dashboard's id, if one was created.
 */
export async function seedSampleDashboard(
  database: Database,
  clock: Clock,
  log: Logger,
): Promise<string | undefined> {
  await ensureOrg(database, ORG)
  // Stored in the dashboard API's own shape: variable options are plain values there.
  const input = dashboardInputSchema.parse({
    title: sampleDashboard.title,
    description: sampleDashboard.description,
    tabs: sampleDashboard.tabs,
    variables: sampleDashboard.variables.map((v) => ({
      name: v.name,
      type: v.type,
      value: v.value,
      options: v.options.map((o) => o.value),
    })),
  })
  const id = await database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK})`)
    const [existing] = await tx
      .select({ id: dashboards.id })
      .from(dashboards)
      .where(and(eq(dashboards.org, ORG), eq(dashboards.title, input.title)))
      .limit(1)
    if (existing) return undefined
    const now = new Date(clock.now())
    const newDashboard = newId()
    await tx.insert(dashboards).values({
      org: ORG,
      id: newDashboard,
      folderId: FOLDER,
      title: input.title,
      description: input.description,
      definition: { tabs: input.tabs, variables: input.variables },
      createdAt: now,
      updatedAt: now,
    })
    return newDashboard
  })
  if (id) log.info({ dashboard: id, org: ORG }, 'seeded the "Sample sales" dashboard')
  return id
}
