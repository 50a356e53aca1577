import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { FakeClock } from '../../src/clock.ts'
import type { Database } from '../../src/db/client.ts'
import type { RunExecutor } from '../../src/runs/executor.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts'
import { insertDueReports, worker } from '../helpers/runs.ts'

/**
 * What a worker does when the database connection breaks under it (a restart, a failover):
 * nothing is left waiting out a lease that the worker could settle itself.
 */

const LOST = 'write CONNECTION_CLOSED (the reply was lost)'

/** The same database, with faults armed by the test. */
function faulty(database: Database) {
  /** `failedRows`: how many outcome writes fail before one gets through. */
  const faults = { claimReplyLost: false, failedRows: 0 }
  const wrapped: Database = {
    ...database,
    // The claim is the worker's one prepared statement (lease due runs, read their reports).
    query: (text, params) => {
      // The outcome write is a prepared statement too (src/runs/store/runs.ts finishRuns).
      if (faults.failedRows > 0 && /jsonb_to_recordset/.test(text)) {
        faults.failedRows--
        return Promise.reject(new Error('write CONNECTION_CLOSED'))
      }
      if (!faults.claimReplyLost) return database.query(text, params)
      // The claim commits, but the connection drops before its reply arrives.
      faults.claimReplyLost = false
      return database.query(text, params).then(() => {
        throw new Error(LOST)
      })
    },
  }
  return { database: wrapped, faults }
}

describe('a worker whose database connection breaks', () => {
  let t: TestDatabase
  const clock = new FakeClock(Date.parse('2026-11-23T10:00:00Z'))
  let executed: string[] = []
  const counting: RunExecutor = {
    async execute({ run }) {
      executed.push(run.id)
      return { state: 'succeeded' }
    },
  }
  let n = 0

  beforeAll(async () => {
    t = await createTestDatabase()
  })
  afterAll(() => t.close())
  beforeEach(() => {
    executed = []
  })

  /** A report with `count` queued manual runs, due now. */
  async function queued(count: number): Promise<string[]> {
    const org = `faults${++n}`
    await insertDueReports(t.database, org, 1, clock.now() + 3_600_000, 1)
    const rows = await t.database.rows<{ id: string }>(sql`
      insert into report_runs (id, org, report_id, trigger, state, run_after, created_at, updated_at)
      select ${org} || lpad(g::text, 27 - length(${org}), 'r'), ${org}, r.id, 'manual', 'queued',
             ${new Date(clock.now() - 1000).toISOString()}::timestamptz, now(), now()
      from reports r, generate_series(1, ${count}::int) g where r.org = ${org}
      returning id`)
    return rows.map((r) => r.id).sort()
  }

  const statesOf = (ids: string[]) =>
    t.database.rows<{ id: string; state: string; attempt: number; lease_owner: string | null }>(
      sql`select id, state, attempt, lease_owner from report_runs
          where id = any(${`{${ids.join(',')}}`}::text[]) order by id`,
    )

  it('requeues at once the runs of a claim that committed but whose reply was lost, and runs each once', async () => {
    const ids = await queued(3)
    const f = faulty(t.database)
    const w = worker(f.database, clock, counting, { concurrency: 8 })
    f.faults.claimReplyLost = true
    await expect(w.tick()).rejects.toThrow(LOST)
    // The database holds them as running under this worker, which never saw them.
    expect((await statesOf(ids)).map((r) => [r.state, r.lease_owner])).toEqual(
      ids.map(() => ['running', w.id]),
    )
    // The next pass, long before any lease expires (the clock has not moved), runs them.
    expect(await w.tick()).toBe(3)
    await w.idle()
    expect(executed.sort()).toEqual(ids)
    expect(await statesOf(ids)).toEqual(
      ids.map((id) => ({ id, state: 'succeeded', attempt: 1, lease_owner: null })),
    )
  })

  it('writes outcomes again once the database answers, instead of leaving runs to their leases', async () => {
    const ids = await queued(4)
    const f = faulty(t.database)
    const w = worker(f.database, clock, counting, { concurrency: 8 })
    f.faults.failedRows = 2
    expect(await w.tick()).toBe(4)
    await w.idle()
    expect(f.faults.failedRows).toBe(0)
    expect(executed.sort()).toEqual(ids)
    expect(await statesOf(ids)).toEqual(
      ids.map((id) => ({ id, state: 'succeeded', attempt: 1, lease_owner: null })),
    )
  })

  it('leaves the runs it is executing alone when it requeues a lost claim', async () => {
    const ids = await queued(2)
    const f = faulty(t.database)
    let release!: () => void
    const released = new Promise<void>((r) => {
      release = r
    })
    const slow: RunExecutor = {
      async execute({ run }) {
        executed.push(run.id)
        await released
        return { state: 'succeeded' }
      },
    }
    const w = worker(f.database, clock, slow, { concurrency: 3 })
    expect(await w.tick()).toBe(2)
    const more = await queued(1)
    f.faults.claimReplyLost = true
    await expect(w.tick()).rejects.toThrow(LOST)
    expect(await w.tick()).toBe(1)
    expect((await statesOf(ids)).map((r) => [r.state, r.lease_owner])).toEqual(
      ids.map(() => ['running', w.id]),
    )
    release()
    await w.idle()
    expect(executed.sort()).toEqual([...ids, ...more].sort())
    expect((await statesOf([...ids, ...more])).map((r) => r.state)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ])
  })
})
