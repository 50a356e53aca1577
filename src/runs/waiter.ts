import { eq } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import { reportRuns } from '../db/schema/index.ts'
import { isFinal, RUN_DONE_CHANNEL, type RunRow } from './model.ts'

/**
 * Lets a request wait for a run to finish. Finishing workers NOTIFY; a slow re-check covers a
 * missed notification (e.g. across a reconnect).
 */
export class RunWaiter {
  private readonly waiting = new Map<string, Set<() => void>>()
  private listening: Promise<unknown> | undefined

  constructor(private readonly database: Database) {}

  private ensureListening(): Promise<unknown> {
    this.listening ??= this.database.listen(RUN_DONE_CHANNEL, (runId) => {
      for (const wake of this.waiting.get(runId) ?? []) wake()
    })
    return this.listening
  }

  private async load(runId: string): Promise<RunRow | undefined> {
    const [row] = await this.database.db.select().from(reportRuns).where(eq(reportRuns.id, runId))
    return row
  }

  /** The run once final, or as it is when `timeoutMs` passes. */
  async wait(runId: string, timeoutMs: number): Promise<RunRow | undefined> {
    await this.ensureListening()
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const row = await this.load(runId)
      if (!row || isFinal(row.state)) return row
      const left = deadline - Date.now()
      if (left <= 0) return row
      await new Promise<void>((resolve) => {
        const set = this.waiting.get(runId) ?? new Set()
        this.waiting.set(runId, set)
        const done = () => {
          clearTimeout(timer)
          set.delete(done)
          if (set.size === 0) this.waiting.delete(runId)
          resolve()
        }
        const timer = setTimeout(done, Math.min(left, 1000))
        set.add(done)
      })
    }
  }
}
