import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
} from 'drizzle-orm/pg-core'

/** Runtime Casbin grants; built-in roles live in policies/. */
export const casbinRule = pgTable(
  'casbin_rule',
  {
    id: serial('id').primaryKey(),
    ptype: text('ptype').notNull(),
    v0: text('v0').notNull().default(''),
    v1: text('v1').notNull().default(''),
    v2: text('v2').notNull().default(''),
    v3: text('v3').notNull().default(''),
    v4: text('v4').notNull().default(''),
    v5: text('v5').notNull().default(''),
  },
  (t) => [index('casbin_rule_v1_idx').on(t.v1)],
)

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    org: text('org').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    target: text('target').notNull(),
    details: jsonb('details').notNull().default({}),
  },
  (t) => [index('audit_log_org_at_idx').on(t.org, t.at)],
)

/**
 * Failed sign-ins per key (`account:<email or token id>` or `address:<client address>`). Kept in
 * the database, not in memory, so a guesser spreading tries over several processes is counted once.
 */
export const signInFailures = pgTable('sign_in_failures', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  /** Lockouts so far; each one lasts twice the previous, up to the cap. */
  lockouts: integer('lockouts').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
})
