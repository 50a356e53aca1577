import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { WakeLoop } from '../../../src/lib/wake-loop.ts'

describe('WakeLoop', () => {
  it('a poke while the next sleep is being planned makes another pass instead of sleeping', async () => {
    let steps = 0
    let planning!: () => void
    const planned = new Promise<void>((r) => {
      planning = r
    })
    let release!: () => void
    const slowPlan = new Promise<void>((r) => {
      release = r
    })
    let plans = 0
    const loop = new WakeLoop({
      name: 'test',
      log: pino({ level: 'silent' }),
      step: async () => {
        steps++
        return false
      },
      sleepMs: async () => {
        plans++
        if (plans === 1) {
          planning()
          await slowPlan
        }
        return 60_000
      },
    })
    loop.start()
    await planned
    expect(steps).toBe(1)
    // Work arrives (a NOTIFY) while the loop is still working out how long to sleep.
    loop.poke()
    release()
    await loop.settled()
    expect(steps).toBe(2)
    await loop.stop()
  })
})
