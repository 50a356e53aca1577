import { sql } from 'drizzle-orm'
import {
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core'
import { reports } from './content.ts'

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
})

export const reportRuns = pgTable(
  'report_runs',
  {
    id: text('id').primaryKey(),
    org: text('org').notNull(),
    reportId: text('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    trigger: text('trigger', { enum: ['schedule', 'manual', 'api'] }).notNull(),
    state: text('state', {
      enum: ['queued', 'running', 'succeeded', 'partially_failed', 'failed', 'cancelled'],
    }).notNull(),
    scheduledFor: timestamp('scheduled_for', { withTimezone: true }),
    attempt: integer('attempt').notNull().default(1),
    skippedSlots: integer('skipped_slots').notNull().default(0),
    parameters: jsonb('parameters').notNull().default({}),
    runAfter: timestamp('run_after', { withTimezone: true }).notNull().defaultNow(),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 6 }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 6 }).notNull(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    error: text('error'),
    // Who asked for a manual or API run (principal id); null for scheduled runs.
    requestedBy: text('requested_by'),
    // Set when the retention purge removed this run's files: they existed and are gone (410).
    outputsPurgedAt: timestamp('outputs_purged_at', { withTimezone: true }),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
  },
  (t) => [
    // The database itself refuses a second run for the same slot.
    uniqueIndex('report_runs_slot_key')
      .on(t.reportId, t.scheduledFor)
      .where(sql`${t.trigger} = 'schedule'`),
    index('report_runs_report_created_idx').on(t.reportId, t.createdAt),
    index('report_runs_queue_idx').on(t.runAfter).where(sql`${t.state} = 'queued'`),
    index('report_runs_lease_idx').on(t.leaseExpiresAt).where(sql`${t.state} = 'running'`),
    // Owner alerts look for scheduled runs that failed (wholly or for some recipients)
    // recently; few rows, so a small index.
    index('report_runs_failed_schedule_idx')
      .on(t.finishedAt)
      .where(sql`${t.state} in ('failed', 'partially_failed') and ${t.trigger} = 'schedule'`),
  ],
)

export const runOutputs = pgTable(
  'run_outputs',
  {
    runId: text('run_id')
      .notNull()
      .references(() => reportRuns.id, { onDelete: 'cascade' }),
    index: integer('idx').notNull(),
    // Which of the report's dashboards produced it: delivery attaches or inlines by that
    // dashboard's report_type / email_attachment_type. Null when the renderer did not say.
    dashboard: integer('dashboard'),
    mediaType: text('media_type').notNull(),
    filename: text('filename').notNull(),
    bytes: bytea('bytes').notNull(),
    sha256: text('sha256').notNull(),
    size: integer('size').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.index] }),
    // The retention purge looks for old outputs.
    index('run_outputs_created_idx').on(t.createdAt),
  ],
)

export const deliveries = pgTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => reportRuns.id, { onDelete: 'cascade' }),
    channel: text('channel').notNull().default('email'),
    recipient: text('recipient').notNull(),
    state: text('state', { enum: ['pending', 'sending', 'sent', 'failed'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    messageId: text('message_id'),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    possibleDuplicate: boolean('possible_duplicate').notNull().default(false),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('deliveries_run_recipient_key').on(t.runId, t.recipient)],
)

/**
 * Failure alerts mailed to report owners. The key is the claim: whichever process inserts the
 * row for (report, day) sends the alert, so owners get at most one per report per day.
 */
export const ownerAlerts = pgTable(
  'owner_alerts',
  {
    reportId: text('report_id')
      .notNull()
      .references(() => reports.id, { onDelete: 'cascade' }),
    // Calendar day in the report's timezone, YYYY-MM-DD.
    day: text('day').notNull(),
    runId: text('run_id').notNull(),
    recipient: text('recipient').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.day] })],
)
