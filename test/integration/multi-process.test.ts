import { randomBytes } from 'node:crypto'
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../../src/clock.ts'
import { type Database, openPostgres } from '../../src/db/client.ts'
import { migrateDatabase } from '../../src/db/migrate.ts'
import { ensureOrg } from '../../src/orgs/orgs.ts'
import { noopExecutor } from '../../src/runs/executor.ts'
import { createEmptyPostgresDatabase, postgresUrl, waitFor } from '../helpers/db.ts'
import { spawnHerald } from '../helpers/process.ts'
import { insertDueReports, worker } from '../helpers/runs.ts'

/** Real processes sharing one PostgreSQL database. PGlite is one process by design. */
const suite = postgresUrl ? describe : describe.skip
if (!postgresUrl) console.log('multi-process tests need PostgreSQL: set DATABASE_URL to run them')

const count = async (db: Database, q: ReturnType<typeof sql>) =>
  Number((await db.rows<{ n: string | number }>(q))[0]?.n ?? 0)

suite('several processes on one PostgreSQL database', () => {
  let fresh: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>
  let db: Database

  beforeAll(async () => {
    fresh = await createEmptyPostgresDatabase()
    db = openPostgres(fresh.url)
  })
  afterAll(async () => {
    await db.close()
    await fresh.drop()
  })

  it('two servers started at once both come up; migrations run once', async () => {
    const env = {
      DATABASE_URL: fresh.url,
      PORT: '0',
      HERALD_ROLES: 'api',
      HERALD_ROOT_PASSWORD: 'root-password-123',
      DATA_DIR: `/tmp/herald-mp-${randomBytes(4).toString('hex')}`,
    }
    const a = spawnHerald(env)
    const b = spawnHerald(env)
    try {
      await Promise.all([a.started, b.started])
      const applied = await count(db, sql`select count(*) as n from drizzle.__drizzle_migrations`)
      const files = (await import('node:fs'))
        .readdirSync('drizzle')
        .filter((f) => f.endsWith('.sql'))
      expect(applied).toBe(files.length)
      expect(await count(db, sql`select count(*) as n from users`)).toBe(1)
    } finally {
      a.kill()
      b.kill()
      await Promise.all([a.exited, b.exited])
    }
  }, 60_000)

  // The slot index already refuses a second run row; what it does not guarantee is that each
  // slot's run is executed once and that a report's schedule moves on once per slot.
  it('3 scheduler+worker processes, 2,000 reports due within seconds: each slot run succeeds once, next_run_at advances once', async () => {
    await migrateDatabase(db, fresh.url)
    // Slots spread over 3 s, hourly from then on.
    await insertDueReports(db, 'mp', 2000, Date.now() + 4000, 3000)
    const env = {
      DATABASE_URL: fresh.url,
      HERALD_ROLES: 'scheduler,worker',
      HERALD_EXECUTOR: 'noop',
    }
    const procs = [spawnHerald(env), spawnHerald(env), spawnHerald(env)]
    try {
      await Promise.all(procs.map((p) => p.started.catch(() => {})))
      await waitFor('2000 finished runs', async () =>
        (await count(
          db,
          sql`select count(*) as n from report_runs where state in ('succeeded', 'failed', 'cancelled')`,
        )) >= 2000
          ? true
          : undefined,
      )
      // Every run succeeded on its first attempt: no slot was executed twice or reaped.
      expect(
        await count(
          db,
          sql`select count(*) as n from report_runs where state = 'succeeded' and attempt = 1`,
        ),
      ).toBe(2000)
      // Each report's run is for its first slot, and its schedule moved on exactly one hour:
      // a second scheduler pass over the same slot would have moved it two.
      expect(
        await count(
          db,
          sql`select count(*) as n from reports r join report_runs x on x.report_id = r.id
              where x.scheduled_for = to_timestamp(r.start_us / 1e6)
                and r.next_run_at = x.scheduled_for + interval '1 hour'`,
        ),
      ).toBe(2000)
    } finally {
      for (const p of procs) p.kill()
      await Promise.all(procs.map((p) => p.exited))
    }
  }, 90_000)

  it('a worker killed mid-run: its run is re-queued after the lease expires and completes once', async () => {
    await migrateDatabase(db, fresh.url)
    await ensureOrg(db, 'mp')
    // Only this run in the queue (the previous test left thousands).
    await db.db.execute(sql`delete from report_runs`)
    await db.db.execute(sql`
      insert into reports (id, org, folder_id, name, enabled, frequency, start_us, dashboards,
                           destinations, created_at, updated_at)
      values ('killme00000000000000000000', 'mp', 'default', 'killme', false,
              '{"type":"hours","interval":1,"cron":"","align_time":true}'::jsonb, 0, '[]', '[]',
              now(), now())`)
    await db.db.execute(sql`
      insert into report_runs (id, org, report_id, trigger, state, created_at, updated_at)
      values ('killrun0000000000000000000', 'mp', 'killme00000000000000000000', 'manual', 'queued',
              now(), now())`)
    const w = spawnHerald({
      DATABASE_URL: fresh.url,
      HERALD_ROLES: 'worker',
      HERALD_EXECUTOR: 'sleep:600000',
      HERALD_LEASE_MS: '1500',
    })
    await w.started
    await waitFor('the run to be running', async () =>
      (await count(db, sql`select count(*) as n from report_runs where state = 'running'`)) === 1
        ? true
        : undefined,
    )
    w.kill('SIGKILL')
    await w.exited
    const rescuer = worker(db, systemClock, noopExecutor)
    await waitFor('the run to succeed', async () => {
      await rescuer.tick()
      await rescuer.idle()
      return (await count(
        db,
        sql`select count(*) as n from report_runs where state = 'succeeded'`,
      )) === 1
        ? true
        : undefined
    })
    const rows = await db.rows<{ state: string; attempt: number }>(
      sql`select state, attempt from report_runs where report_id = 'killme00000000000000000000'`,
    )
    expect(rows).toEqual([{ state: 'succeeded', attempt: 2 }])
  }, 60_000)
})
