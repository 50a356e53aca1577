/**
 * Time is injected so scheduling can be tested with a fake clock instead of sleeps.
 */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** A clock tests move by hand. */
export class FakeClock implements Clock {
  constructor(private current: number) {}
  now(): number {
    return this.current
  }
  set(ms: number): void {
    this.current = ms
  }
  advance(ms: number): void {
    this.current += ms
  }
}
