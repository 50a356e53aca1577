import type { Logger } from 'pino'
import type { Clock } from '../clock.ts'
import type { Database } from '../db/client.ts'
import { purgeOutputs } from './store/outputs.ts'

export { purgeOutputs }

const DAY_MS = 86_400_000

export interface RetentionJobOptions {
  database: Database
  clock: Clock
  log: Logger
  retentionDays: number
  /** How often to purge; daily by default. */
  everyMs?: number
}

/**
 * The daily purge, in every worker process: deleting is idempotent, so processes sharing a
 * database need no coordination for it.
 */
export class RetentionJob {
  private readonly o: RetentionJobOptions
  private timer: NodeJS.Timeout | undefined
  private running: Promise<number> | undefined

  constructor(o: RetentionJobOptions) {
    this.o = o
  }

  start(): void {
    // The first purge waits a minute, so a restart loop cannot turn into a purge loop.
    this.schedule(Math.min(60_000, this.o.everyMs ?? DAY_MS))
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    await this.running?.catch(() => {})
  }

  /** One purge now; returns how many outputs were removed. */
  async runOnce(): Promise<number> {
    this.running = purgeOutputs(this.o.database, this.o.clock.now(), this.o.retentionDays)
    const removed = await this.running
    if (removed > 0) {
      this.o.log.info({ removed, retentionDays: this.o.retentionDays }, 'purged old run outputs')
    }
    return removed
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.runOnce()
        .catch((err) => this.o.log.error({ err }, 'purging run outputs failed'))
        .finally(() => {
          if (this.timer) this.schedule(this.o.everyMs ?? DAY_MS)
        })
    }, delayMs)
    this.timer.unref()
  }
}
