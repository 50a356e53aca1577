import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Database, openPostgres } from '../../src/db/client.ts'
import { createTestDatabase, postgresUrl, type TestDatabase, waitFor } from '../helpers/db.ts'

/**
 * postgres.js 3.4.9 crashes the process when a connection dies inside a transaction: the
 * ROLLBACK it then writes is flushed from a setImmediate onto a null socket, a TypeError no caller
 * can catch (patches/postgres+3.4.9.patch). A database restart took every Herald process down.
 */
const suite = postgresUrl ? describe : describe.skip

suite('a PostgreSQL connection lost inside a transaction', () => {
  let t: TestDatabase
  let admin: Database
  beforeAll(async () => {
    t = await createTestDatabase()
    admin = openPostgres(t.url!, { max: 1 })
  })
  afterAll(async () => {
    await admin.close()
    await t.close()
  })

  it('fails that transaction with a catchable error, and the pool serves queries again', async () => {
    const db = t.database
    for (let round = 0; round < 3; round++) {
      let pid: number | undefined
      const tx = db.db.transaction(async (tx) => {
        pid = (await db.rows<{ pid: number }>(sql`select pg_backend_pid() as pid`, tx))[0]?.pid
        await tx.execute(sql`select pg_sleep(10)`)
      })
      const outcome = tx.then(
        () => 'committed',
        (err: Error) => `rejected: ${err.message}`,
      )
      await waitFor('the transaction to start', async () => pid)
      await admin.rows(sql`select pg_terminate_backend(${pid})`)
      expect(await outcome).toMatch(/^rejected: /)
      // The first queries after the loss may fail with CONNECTION_CLOSED; none may hang.
      const answered = await waitFor(
        'queries to succeed again',
        async () => {
          const all = Promise.all(
            [1, 2, 3, 4].map(() => db.rows<{ one: number }>(sql`select 1 as one`)),
          )
          return all.then(
            (rows) => rows.map((r) => r[0]?.one),
            () => undefined,
          )
        },
        10_000,
      )
      expect(answered).toEqual([1, 1, 1, 1])
    }
  })
})
