import { jsonb, pgTable, text, timestamp, unique } from 'drizzle-orm/pg-core'
import { orgs } from './orgs.ts'

/**
 * Where panel queries run. The built-in `sample` datasource has no row: every org has it. A
 * `postgres` datasource keeps its connection URL sealed (AES-256-GCM under a key derived from the
 * server secret), so a database dump alone does not give away the credentials.
 */
export const datasources = pgTable(
  'datasources',
  {
    id: text('id').primaryKey(),
    org: text('org')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['postgres', 'sample'] }).notNull(),
    // Sealed connection URL; null for kinds that need none.
    secret: text('secret'),
    options: jsonb('options').notNull().default({}),
    createdBy: text('created_by').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 6 }).notNull(),
    // Pools are cached per (id, updated_at): a change anywhere makes every process reconnect.
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 6 }).notNull(),
  },
  (t) => [unique('datasources_org_name_key').on(t.org, t.name)],
)
