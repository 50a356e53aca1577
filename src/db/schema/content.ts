import { sql } from 'drizzle-orm'
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
} from 'drizzle-orm/pg-core'
import { orgs } from './orgs.ts'

export const folders = pgTable(
  'folders',
  {
    org: text('org')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    type: text('type', { enum: ['reports', 'dashboards'] }).notNull(),
    // `default` in every org, so the id is unique only within (org, type).
    id: text('id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.org, t.type, t.id] }),
    unique('folders_org_type_name_key').on(t.org, t.type, t.name),
  ],
)

export const dashboards = pgTable(
  'dashboards',
  {
    org: text('org').notNull(),
    id: text('id').notNull(),
    // A constant column lets the database itself check the folder is a dashboards folder.
    folderType: text('folder_type').notNull().default('dashboards'),
    folderId: text('folder_id').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    definition: jsonb('definition').notNull(),
    owner: text('owner').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.org, t.id] }),
    check('dashboards_folder_type_check', sql`${t.folderType} = 'dashboards'`),
    foreignKey({
      name: 'dashboards_folder_fk',
      columns: [t.org, t.folderType, t.folderId],
      foreignColumns: [folders.org, folders.type, folders.id],
    }),
  ],
)

export const reports = pgTable(
  'reports',
  {
    id: text('id').primaryKey(),
    org: text('org').notNull(),
    folderType: text('folder_type').notNull().default('reports'),
    folderId: text('folder_id').notNull(),
    name: text('name').notNull(),
    title: text('title').notNull().default(''),
    description: text('description').notNull().default(''),
    message: text('message').notNull().default(''),
    enabled: boolean('enabled').notNull().default(false),
    frequency: jsonb('frequency').notNull(),
    // µs since the epoch, as on the wire: keeps OpenObserve's `start` exact on round-trip.
    startUs: bigint('start_us', { mode: 'number' }).notNull().default(0),
    timezone: text('timezone').notNull().default(''),
    tzOffsetMinutes: integer('tz_offset_minutes').notNull().default(0),
    dashboards: jsonb('dashboards').notNull(),
    destinations: jsonb('destinations').notNull(),
    imagePreview: boolean('image_preview').notNull().default(false),
    owner: text('owner').notNull().default(''),
    // Who may run it by hand: `anyone` allowed to trigger in its folder, or only its `owner`
    // (and org admins).
    manualRuns: text('manual_runs', { enum: ['anyone', 'owner'] })
      .notNull()
      .default('anyone'),
    lastEditedBy: text('last_edited_by').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 6 }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 6 }).notNull(),
    nextRunAt: timestamp('next_run_at', { withTimezone: true }),
    lastTriggeredAt: timestamp('last_triggered_at', { withTimezone: true }),
    // Bumped on every schedule change so a scheduler holding an old plan can tell.
    scheduleVersion: integer('schedule_version').notNull().default(0),
  },
  (t) => [
    unique('reports_org_folder_name_key').on(t.org, t.folderId, t.name),
    check('reports_folder_type_check', sql`${t.folderType} = 'reports'`),
    foreignKey({
      name: 'reports_folder_fk',
      columns: [t.org, t.folderType, t.folderId],
      foreignColumns: [folders.org, folders.type, folders.id],
    }),
    index('reports_due_idx').on(t.nextRunAt).where(sql`${t.enabled}`),
  ],
)

/** Which dashboards a report uses; RESTRICT makes the database refuse deleting one in use. */
export const reportDashboards = pgTable(
  'report_dashboards',
  {
    reportId: text('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    org: text('org').notNull(),
    dashboardId: text('dashboard_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.reportId, t.dashboardId] }),
    foreignKey({
      name: 'report_dashboards_dashboard_fk',
      columns: [t.org, t.dashboardId],
      foreignColumns: [dashboards.org, dashboards.id],
    }).onDelete('restrict'),
    index('report_dashboards_dashboard_idx').on(t.org, t.dashboardId),
  ],
)
