import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { sql } from 'drizzle-orm'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { type Database, openPostgres } from '../../src/db/client.ts'
import { migrateDatabase } from '../../src/db/migrate.ts'
import { ensureOrg } from '../../src/orgs/orgs.ts'
import { createEmptyPostgresDatabase, postgresUrl, waitFor } from '../helpers/db.ts'
import { type HeraldProcess, spawnHerald } from '../helpers/process.ts'
import { insertDueReports } from '../helpers/runs.ts'
import { SmtpSink } from '../helpers/smtp-sink.ts'

/**
 * Fault drills on real processes sharing one PostgreSQL server: crashes, a database restart and
 * an SMTP outage, without losing or duplicating a send. Run by `npm run test:resilience`.
 */
const suite = postgresUrl ? describe : describe.skip
if (!postgresUrl) console.log('resilience drills need PostgreSQL: set DATABASE_URL to run them')

const count = async (db: Database, q: ReturnType<typeof sql>) =>
  Number((await db.rows<{ n: string | number }>(q))[0]?.n ?? 0)

const DASHBOARD = {
  tabs: [
    {
      tabId: 'default',
      name: 'Note',
      panels: [
        {
          id: 't',
          type: 'text',
          title: 'Note',
          layout: { x: 0, y: 0, w: 24, h: 2 },
          options: { text: 'hi' },
        },
      ],
    },
  ],
  variables: [],
}

/** One report on a text-only dashboard, so a run costs delivery, not rendering. */
async function seedReport(db: Database, org: string, id: string, recipients: string[]) {
  await ensureOrg(db, org)
  await db.db.execute(sql`
    insert into dashboards (org, id, folder_id, title, definition)
    values (${org}, ${`d${id}`.slice(0, 27)}, 'default', 'Drill', ${JSON.stringify(DASHBOARD)}::jsonb)
    on conflict do nothing`)
  const dashboards = [
    {
      dashboard: `d${id}`.slice(0, 27),
      folder: 'default',
      tabs: ['default'],
      variables: [],
      timerange: { type: 'relative', period: '1h', from: 0, to: 0 },
      report_type: 'csv',
      email_attachment_type: 'standard',
    },
  ]
  await db.db.execute(sql`
    insert into reports (id, org, folder_id, name, title, enabled, frequency, start_us, dashboards,
                         destinations, created_at, updated_at)
    values (${id}, ${org}, 'default', ${id}, 'Drill report', false,
            '{"type":"hours","interval":1,"cron":"","align_time":true}'::jsonb, 0,
            ${JSON.stringify(dashboards)}::jsonb,
            ${JSON.stringify(recipients.map((email) => ({ email })))}::jsonb, now(), now())`)
}

async function queueRuns(db: Database, org: string, reportId: string, n: number) {
  await db.db.execute(sql`
    insert into report_runs (id, org, report_id, trigger, state, created_at, updated_at)
    select substr(md5(random()::text || g::text), 1, 27), ${org}, ${reportId}, 'manual', 'queued',
           now(), now()
    from generate_series(1, ${n}) g`)
}

suite('resilience drills', () => {
  let fresh: Awaited<ReturnType<typeof createEmptyPostgresDatabase>>
  let db: Database
  const procs: HeraldProcess[] = []
  const start = (env: Record<string, string>) => {
    const p = spawnHerald({ DATABASE_URL: fresh.url, ...env })
    procs.push(p)
    return p
  }

  beforeAll(async () => {
    fresh = await createEmptyPostgresDatabase()
    db = openPostgres(fresh.url)
    await migrateDatabase(db, fresh.url)
  })
  // Each drill's processes end with it, so none competes for the next drill's runs.
  afterEach(async () => {
    const running = procs.splice(0)
    for (const p of running) p.kill('SIGKILL')
    await Promise.all(running.map((p) => p.exited))
  })
  afterAll(async () => {
    for (const p of procs) p.kill('SIGKILL')
    await db.close()
    await fresh.drop()
  })

  it('SIGKILL a worker in the middle of 1,000 runs: every run ends once, duplicates only where flagged', async () => {
    const sink = new SmtpSink()
    await sink.start()
    try {
      await seedReport(db, 'kill', 'killreport0000000000000000a', ['ops@example.com'])
      await queueRuns(db, 'kill', 'killreport0000000000000000a', 1000)
      const env = {
        HERALD_ROLES: 'worker',
        SMTP_URL: sink.url,
        HERALD_LEASE_MS: '2000',
        HERALD_WORKER_CONCURRENCY: '16',
        HERALD_SEED_SAMPLE: 'false',
      }
      const a = start(env)
      await a.started
      await waitFor(
        '300 finished runs',
        async () =>
          (await count(db, sql`select count(*) as n from report_runs where state = 'succeeded'`)) >=
          300
            ? true
            : undefined,
        120_000,
      )
      a.kill('SIGKILL')
      await a.exited
      const b = start(env)
      await b.started
      await waitFor(
        'all runs final',
        async () =>
          (await count(
            db,
            sql`select count(*) as n from report_runs where state in ('queued','running')`,
          )) === 0
            ? true
            : undefined,
        300_000,
      )
      const states = await db.rows<{ state: string; n: number }>(
        sql`select state, count(*)::int as n from report_runs group by state`,
      )
      expect(states).toEqual([{ state: 'succeeded', n: 1000 }])
      // Every run delivered; a message received twice only where the ledger says it may have been.
      const ids = sink.messages.map((m) => m.mail.messageId ?? '')
      const seen = new Map<string, number>()
      for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1)
      const duplicated = [...seen].filter(([, n]) => n > 1).map(([id]) => id)
      const flagged = await db.rows<{ message_id: string }>(
        sql`select message_id from deliveries where possible_duplicate`,
      )
      const flaggedIds = new Set(flagged.map((f) => f.message_id))
      for (const id of duplicated)
        expect(flaggedIds.has(id), `${id} sent twice unflagged`).toBe(true)
      expect(seen.size).toBe(1000)
      expect(await count(db, sql`select count(*) as n from deliveries where state = 'sent'`)).toBe(
        1000,
      )
      console.log(
        `SIGKILL drill: ${duplicated.length} message(s) delivered twice, ${flagged.length} flagged possible_duplicate`,
      )
    } finally {
      await sink.close()
    }
  }, 400_000)

  it('SMTP down for 60 s: every delivery is retried with backoff and sent exactly once', async () => {
    const sink = new SmtpSink()
    await sink.start()
    await sink.down()
    try {
      const recipients = ['a@example.com', 'b@example.com', 'c@example.com']
      await seedReport(db, 'smtp', 'smtpreport0000000000000000a', recipients)
      await queueRuns(db, 'smtp', 'smtpreport0000000000000000a', 20)
      const h = start({
        HERALD_ROLES: 'worker',
        SMTP_URL: sink.url,
        HERALD_DELIVERY_BACKOFF_MS: '15000,15000,15000,15000,15000,15000,15000,15000',
        HERALD_SEED_SAMPLE: 'false',
      })
      await h.started
      await new Promise((r) => setTimeout(r, 60_000))
      const sentWhileDown = await count(
        db,
        sql`select count(*) as n from deliveries d join report_runs r on r.id = d.run_id
            where r.org = 'smtp' and d.state = 'sent'`,
      )
      expect(sentWhileDown).toBe(0)
      await sink.up()
      await waitFor(
        'all 60 deliveries sent',
        async () =>
          (await count(
            db,
            sql`select count(*) as n from deliveries d join report_runs r on r.id = d.run_id
                             where r.org = 'smtp' and d.state = 'sent'`,
          )) === 60
            ? true
            : undefined,
        120_000,
      )
      const ids = sink.messages.map((m) => m.mail.messageId)
      expect(ids).toHaveLength(60)
      expect(new Set(ids).size).toBe(60)
      await waitFor(
        'the runs to succeed',
        async () =>
          (await count(
            db,
            sql`select count(*) as n from report_runs where org = 'smtp' and state = 'succeeded'`,
          )) === 20
            ? true
            : undefined,
        60_000,
      )
      h.kill()
      await h.exited
    } finally {
      await sink.close()
    }
  }, 300_000)

  it('3 processes, 10,000 scheduled slots: zero duplicate runs, zero missing runs', async () => {
    await insertDueReports(db, 'slots', 10000, Date.now() + 5000, 2000)
    const env = {
      HERALD_ROLES: 'scheduler,worker',
      HERALD_EXECUTOR: 'noop',
      HERALD_WORKER_CONCURRENCY: '32',
    }
    const three = [start(env), start(env), start(env)]
    await Promise.all(three.map((p) => p.started))
    await waitFor(
      '10,000 succeeded runs',
      async () =>
        (await count(
          db,
          sql`select count(*) as n from report_runs r join reports p on p.id = r.report_id where p.org = 'slots' and r.state = 'succeeded'`,
        )) >= 10000
          ? true
          : undefined,
      300_000,
    )
    await new Promise((r) => setTimeout(r, 1000))
    const q = (where: ReturnType<typeof sql>) =>
      count(
        db,
        sql`select count(*) as n from report_runs r join reports p on p.id = r.report_id where p.org = 'slots' and ${where}`,
      )
    expect(await q(sql`true`)).toBe(10000)
    expect(
      await count(
        db,
        sql`select count(*) as n from reports p where p.org = 'slots' and not exists (
        select 1 from report_runs r where r.report_id = p.id and r.scheduled_for = to_timestamp(p.start_us / 1e6))`,
      ),
    ).toBe(0)
    for (const p of three) p.kill()
    await Promise.all(three.map((p) => p.exited))
  }, 420_000)

  it('PostgreSQL restarted during a burst: Herald reconnects, /readyz shows the outage, no run is lost', async () => {
    const cluster = readdirSync('/etc/postgresql')[0]
    if (!cluster) return console.log('no local PostgreSQL cluster to restart: skipped')
    await insertDueReports(db, 'restart', 3000, Date.now() + 4000, 6000)
    const h = start({ HERALD_ROLES: 'api,scheduler,worker', HERALD_EXECUTOR: 'noop', PORT: '0' })
    await h.started
    const port = /"port":(\d+)/.exec(h.output())?.[1]
    // Bounded: a hung request must show up as a failed poll, not as a drill that never ends.
    const ready = async () =>
      (
        await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(5000) }).catch(
          () => null,
        )
      )?.status
    const t0 = Date.now()
    const phase = (what: string) => console.log(`restart drill: ${what} at +${Date.now() - t0} ms`)
    const diagnose = (err: unknown) => {
      const tail = h.output().split('\n').slice(-40).join('\n')
      throw new Error(
        `${(err as Error).message}; Herald exit ${h.child.exitCode}; its log ends:\n${tail}`,
      )
    }
    expect(await ready()).toBe(200)
    await waitFor('the burst to start', async () =>
      (await count(db, sql`select count(*) as n from report_runs where org = 'restart'`)) > 0
        ? true
        : undefined,
    ).catch(diagnose)
    phase('burst started')
    const pg = (action: string, ...extra: string[]) =>
      execFileSync('pg_ctlcluster', [
        '--skip-systemctl-redirect',
        cluster,
        'main',
        action,
        ...extra,
      ])
    pg('stop', '-m', 'fast')
    phase('PostgreSQL stopped')
    try {
      await waitFor('/readyz to report the outage', async () =>
        (await ready()) === 503 ? true : undefined,
      ).catch(diagnose)
      phase('/readyz 503')
    } finally {
      pg('start')
      phase('PostgreSQL started')
    }
    await waitFor(
      '/readyz to recover',
      async () => ((await ready()) === 200 ? true : undefined),
      60_000,
    ).catch(diagnose)
    phase('/readyz 200')
    const db2 = openPostgres(fresh.url)
    try {
      await waitFor(
        'every slot to run',
        async () =>
          (await count(
            db2,
            sql`select count(*) as n from report_runs where org = 'restart' and state = 'succeeded'`,
          )) >= 3000
            ? true
            : undefined,
        120_000,
      ).catch(diagnose)
      phase('3,000 runs succeeded')
      expect(
        await count(db2, sql`select count(*) as n from report_runs where org = 'restart'`),
      ).toBe(3000)
    } finally {
      await db2.close()
      h.kill()
      await h.exited
    }
  }, 420_000)
})
