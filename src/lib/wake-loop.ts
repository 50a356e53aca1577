import type { Logger } from 'pino'

export interface WakeLoopOptions {
  /** One pass of work; true when there is more to do at once. */
  step(): Promise<boolean>
  /** How long to sleep before the next pass when nobody pokes (ms). */
  sleepMs(): Promise<number>
  log: Logger
  name: string
}

/**
 * Runs passes of work that never overlap: a poke during a pass schedules one more pass after
 * it, and between passes the loop sleeps until the next known due time. Scheduler and worker
 * both wake this way (NOTIFY pokes them; the timer is the safety net), so neither polls.
 */
export class WakeLoop {
  private timer: NodeJS.Timeout | undefined
  private current: Promise<void> | undefined
  private again = false
  private running = false

  constructor(private readonly o: WakeLoopOptions) {}

  start(): void {
    this.running = true
    this.poke()
  }

  /** Stops waking; resolves when a pass in progress has ended. */
  async stop(): Promise<void> {
    this.running = false
    clearTimeout(this.timer)
    await this.current
  }

  /** Ask for a pass soon. */
  poke(): void {
    if (!this.running) return
    if (this.current) {
      this.again = true
      return
    }
    clearTimeout(this.timer)
    this.current = this.loop().finally(() => {
      this.current = undefined
    })
  }

  /** Resolves when no pass is in progress. */
  async settled(): Promise<void> {
    while (this.current) await this.current
  }

  private async loop(): Promise<void> {
    let wait = 1000
    for (;;) {
      do {
        this.again = false
        try {
          while (this.running && (await this.o.step())) {}
        } catch (err) {
          this.o.log.error({ err }, `${this.o.name} pass failed`)
        }
      } while (this.again && this.running)
      if (!this.running) return
      wait = 1000
      try {
        wait = await this.o.sleepMs()
      } catch (err) {
        // The database may be down: try again soon rather than never.
        this.o.log.warn({ err }, `${this.o.name} could not plan its next wake-up`)
      }
      // A poke while the sleep was being planned: the plan may already be stale (a run was
      // queued meanwhile), so make another pass instead of sleeping on it.
      if (!this.again) break
    }
    if (!this.running) return
    clearTimeout(this.timer)
    this.timer = setTimeout(() => this.poke(), Math.max(5, wait))
    this.timer.unref()
  }
}
