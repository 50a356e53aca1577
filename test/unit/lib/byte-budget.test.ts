import { describe, expect, it } from 'vitest'
import { ByteBudget } from '../../../src/lib/byte-budget.ts'

/** A task that runs until the test ends it, recording when it started. */
function held(started: string[], name: string) {
  let end!: () => void
  const done = new Promise<void>((r) => {
    end = r
  })
  return { task: () => (started.push(name), done), end }
}

const turn = () => new Promise((r) => setImmediate(r))

describe('ByteBudget', () => {
  it('starts tasks while their bytes fit, the rest in order as room frees', async () => {
    const budget = new ByteBudget(10)
    const started: string[] = []
    const a = held(started, 'a')
    const b = held(started, 'b')
    const c = held(started, 'c')
    const d = held(started, 'd')
    const runs = [
      budget.run(6, a.task),
      budget.run(4, b.task),
      budget.run(5, c.task),
      budget.run(1, d.task),
    ]
    await turn()
    // d would fit beside a and b, but c came first: no task is overtaken.
    expect(started).toEqual(['a', 'b'])
    expect(budget.bytesInFlight).toBe(10)
    a.end()
    await turn()
    expect(started).toEqual(['a', 'b', 'c', 'd'])
    expect(budget.bytesInFlight).toBe(10)
    b.end()
    c.end()
    d.end()
    await Promise.all(runs)
    expect(budget.bytesInFlight).toBe(0)
  })

  it('runs a task larger than the ceiling alone, and frees its bytes when it fails', async () => {
    const budget = new ByteBudget(10)
    const started: string[] = []
    const big = held(started, 'big')
    const after = held(started, 'after')
    const first = budget.run(50, big.task)
    const second = budget.run(1, after.task)
    await turn()
    expect(started).toEqual(['big'])
    big.end()
    await first
    await turn()
    expect(started).toEqual(['big', 'after'])
    after.end()
    await second
    await expect(budget.run(3, () => Promise.reject(new Error('write failed')))).rejects.toThrow(
      'write failed',
    )
    expect(budget.bytesInFlight).toBe(0)
  })
})
